// Board events in words, for the inbox and a board's activity: "replied in
// #3 on “Home”", "approved version 2 of “Home”".
import type { Schemas } from "../api/client";
import type { BoardEvent } from "./events";

const ROLE_NOUN: Record<Schemas["BoardRole"], string> = {
  viewer: "a viewer",
  commenter: "a commenter",
  editor: "an editor",
  owner: "an owner",
};

const picture = (title: string | null | undefined) => (title ? `“${title}”` : "a picture");
const who = (name: string | null | undefined) => name || "someone";

/**
 * What an event says after the actor's name: "replied in #3 on “Home”",
 * "mentioned you in #3" (`mention`: it mentions the reader), "added you to
 * the board as an editor" (`meId`: the reader, to say "you").
 */
export function describeEvent(e: BoardEvent, { mention = false, meId }: { mention?: boolean; meId?: string } = {}): string {
  switch (e.kind) {
    case "thread.opened":
      return mention ? `mentioned you in a new thread ${threadRef(e)}` : `started thread ${threadRef(e)}`;
    case "comment.added":
      return mention ? `mentioned you in ${threadRef(e)}` : `replied in ${threadRef(e)}`;
    case "comment.edited":
      return mention ? "mentioned you in an edited comment" : "edited a comment";
    case "comment.deleted":
      return "deleted a comment";
    case "thread.resolved":
      return `resolved ${threadRef(e)}`;
    case "thread.reopened":
      return `reopened ${threadRef(e)}`;
    case "review.changed":
      switch (e.status) {
        case "approved":
          return `approved version ${e.number}${of(e.title)}`;
        case "changes_requested":
          return `requested changes on version ${e.number}${of(e.title)}`;
        case "in_review":
          return `put version ${e.number}${of(e.title)} back in review`;
      }
      break;
    case "review.submitted":
      return reviewWords(e, mention);
    case "asset.added":
      return `added ${picture(e.title)}`;
    case "asset.renamed":
      return `renamed ${picture(e.previous_title)} to ${picture(e.title)}`;
    case "asset.moved":
      return `moved ${picture(e.title)}`;
    case "asset.deleted":
      return e.open_threads > 0
        ? `deleted ${picture(e.title)} with ${e.open_threads} open thread${e.open_threads === 1 ? "" : "s"}`
        : `deleted ${picture(e.title)}`;
    case "version.added":
      return `uploaded version ${e.number} of ${picture(e.title)}`;
    case "version.ready":
      return `finished version ${e.number} of ${picture(e.title)}`;
    case "version.failed":
      return `could not read version ${e.number} of ${picture(e.title)}`;
    case "capture.requested":
      return e.number === 1 ? `added a capture of ${e.url}` : `asked for a new capture of ${picture(e.title)}`;
    case "capture.progress":
      return `is capturing ${picture(e.title)}`;
    case "render.progress":
      return `is rendering ${picture(e.title)}`;
    case "export.progress":
      return e.state === "ready" ? "made a review record" : "is making a review record";
    case "changes.ready":
      return `found what changed in version ${e.number} of ${picture(e.title)}`;
    case "member.added":
      if (e.invitation) return `joined the board as ${ROLE_NOUN[e.role]}`;
      if (e.user_id === meId) return `added you to the board as ${ROLE_NOUN[e.role]}`;
      return `added ${who(e.name)} to the board as ${ROLE_NOUN[e.role]}`;
    case "member.role_changed":
      if (e.user_id === meId) return `made you ${ROLE_NOUN[e.role]} of the board`;
      return `made ${who(e.name)} ${ROLE_NOUN[e.role]} of the board`;
    case "member.removed":
      return e.user_id === meId ? "removed you from the board" : `removed ${who(e.name)} from the board`;
    case "share_link.created":
      return "created a share link";
    case "share_link.revoked":
      return "revoked a share link";
    case "guest.joined":
      return "opened the board as a guest";
  }
  return unknownKind(e);
}

/** "submitted a review: 2 new threads, 1 reply, approved version 2 of “Home”". */
function reviewWords(e: Extract<BoardEvent, { kind: "review.submitted" }>, mention: boolean): string {
  const parts: string[] = [];
  if (e.threads > 0) parts.push(`${e.threads} new thread${e.threads === 1 ? "" : "s"}`);
  if (e.replies > 0) parts.push(`${e.replies} repl${e.replies === 1 ? "y" : "ies"}`);
  for (const d of e.decisions) {
    const verb = { approved: "approved", changes_requested: "requested changes on", in_review: "put back in review" }[d.status];
    parts.push(`${verb} version ${d.number}${of(d.title)}`);
  }
  const head = mention ? "mentioned you in a review" : "submitted a review";
  return parts.length > 0 ? `${head}: ${parts.join(", ")}` : head;
}

/** " of “Home”", or nothing when the title is unknown. */
const of = (title: string | null | undefined) => (title ? ` of “${title}”` : "");

/** "#3 on “Home”", or "page 7, #3 on “Deck”" on a deck. */
function threadRef(e: { number?: number; page?: number | null; title?: string | null }): string {
  const n = e.page ? `page ${e.page}, #${e.number ?? ""}` : `#${e.number ?? ""}`;
  return e.title ? `${n} on “${e.title}”` : n;
}

/** The compiler proves every kind is handled; an event from a newer server still reads. */
function unknownKind(e: never): string {
  return String((e as { kind?: unknown }).kind ?? "").replace(/[._]/g, " ");
}

/** The comment a notification quotes, as it reads now. */
export function quoteOf(e: BoardEvent): string | null {
  return e.kind === "thread.opened" || e.kind === "comment.added" || e.kind === "review.submitted" ? e.excerpt ?? null : null;
}

