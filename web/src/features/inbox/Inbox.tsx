// The notifications inbox and the topbar link that counts what is unread.
import { useState, type MouseEvent } from "react";
import { apiError, type Schemas } from "../../api/client";
import { useMe } from "../../api/me";
import { ErrorNote, Link, ago } from "../../components/ui/kit";
import { href, navigate } from "../../lib/router";
import { useInbox, useMarkRead, useUnreadCount } from "./api";
import "./inbox.css";

type Notification = Schemas["NotificationOut"];

type BoardEvent = Schemas["BoardEvent"];

const ROLE_NOUN: Record<Schemas["BoardRole"], string> = {
  viewer: "a viewer",
  commenter: "a commenter",
  editor: "an editor",
  owner: "an owner",
};

const picture = (title: string | null | undefined) => (title ? `“${title}”` : "a picture");
const who = (name: string | null | undefined) => name || "someone";

/**
 * What a notification says after the actor's name: "replied in #3",
 * "mentioned you in #3", "added you to the board as an editor".
 */
export function describeNotification(n: Notification, meId?: string): string {
  const e = n.event.event;
  switch (e.kind) {
    case "thread.opened":
      return n.mention ? `mentioned you in a new thread ${threadRef(e)}` : `started thread ${threadRef(e)}`;
    case "comment.added":
      return n.mention ? `mentioned you in ${threadRef(e)}` : `replied in ${threadRef(e)}`;
    case "comment.edited":
      return n.mention ? "mentioned you in an edited comment" : "edited a comment";
    case "comment.deleted":
      return "deleted a comment";
    case "thread.resolved":
      return `resolved #${e.number}`;
    case "thread.reopened":
      return `reopened #${e.number}`;
    case "review.changed":
      switch (e.status) {
        case "approved":
          return `approved version ${e.number}`;
        case "changes_requested":
          return `requested changes on version ${e.number}`;
        case "in_review":
          return `put version ${e.number} back in review`;
      }
      break;
    case "asset.added":
      return `added ${picture(e.title)}`;
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

/** "#3", or "page 7, #3" on a deck. */
function threadRef(e: { number?: number; page?: number | null }): string {
  return e.page ? `page ${e.page}, #${e.number ?? ""}` : `#${e.number ?? ""}`;
}

/** The compiler proves every kind is handled; an event from a newer server still reads. */
function unknownKind(e: never): string {
  return String((e as { kind?: unknown }).kind ?? "").replace(/[._]/g, " ");
}

/** The comment a notification quotes, as it reads now. */
export function quoteOf(e: BoardEvent): string | null {
  return e.kind === "thread.opened" || e.kind === "comment.added" ? e.excerpt ?? null : null;
}

/** Where a notification leads: the picture (and thread) it is about, else its board. */
export function notificationTarget(n: Notification): string {
  const e = n.event.event;
  const asset = "asset_id" in e ? e.asset_id : undefined;
  const thread = "thread_id" in e ? e.thread_id : undefined;
  if (asset) return href("asset", { id: asset }, { thread });
  return href("board", { id: n.board_id });
}

/** Notifications, newest first: open one to mark it read and go to what it is about. */
export function Inbox() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useInbox(unreadOnly);
  const items = list.data?.pages.flatMap((p) => p.items) ?? null;
  const unread = useUnreadCount().data ?? list.data?.pages[0]?.unread_count ?? 0;
  // Only to say "you" in member events; the list works without it.
  const meId = useMe()?.id;
  const loadError = apiError(list.error);
  const marking = useMarkRead();
  const markError = apiError(marking.error);
  const markAll = () => marking.mutate({ all: true });
  // Marked in the background: going to the picture must not wait for it.
  const markRead = (n: Notification) => {
    if (!n.read_at) marking.mutate({ ids: [n.id] });
  };
  const first = () => void list.refetch();
  const more = () => void list.fetchNextPage();
  const moreBusy = list.isFetchingNextPage;
  const markBusy = marking.isPending;
  const cursor = list.hasNextPage;

  const open = (n: Notification) => (e: MouseEvent<HTMLAnchorElement>) => {
    markRead(n);
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(notificationTarget(n));
  };

  return (
    <section className="inbox">
      <header className="inbox-head">
        <h1>
          Inbox {unread > 0 && <span className="inbox-unread">{unread} unread</span>}
        </h1>
        <label className="inbox-filter">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
          Unread only
        </label>
        <button type="button" className="secondary" onClick={markAll} disabled={markBusy || unread === 0}>
          {markBusy ? "Marking…" : "Mark all as read"}
        </button>
      </header>
      <ErrorNote error={markError} />

      {items === null && !loadError && <p className="loading">Loading…</p>}
      {items === null && loadError && (
        <div role="alert" className="error">
          <p>Your notifications could not be loaded: {loadError.message}</p>
          <button type="button" className="secondary" onClick={first}>Try again</button>
        </div>
      )}
      {items?.length === 0 && (
        unreadOnly ? (
          <p className="empty">Nothing unread. You are all caught up.</p>
        ) : (
          <p className="empty">
            No notifications yet. When someone comments, resolves a thread or uploads a new
            version on your boards, it shows up here. <Link to={href("home")}>Go to your workspaces</Link> to
            start a review.
          </p>
        )
      )}

      {items && items.length > 0 && (
        <ul className="inbox-list">
          {items.map((n) => {
            const classes = ["inbox-item", n.read_at ? "" : "inbox-item-unread", n.mention ? "inbox-item-mention" : ""];
            return (
              <li key={n.id} className={classes.filter(Boolean).join(" ")}>
                <a href={notificationTarget(n)} onClick={open(n)}
                  onAuxClick={(e) => e.button === 1 && markRead(n)}>
                  <span className="inbox-dot" aria-hidden="true" />
                  <span className="inbox-text">
                    {!n.read_at && <span className="visually-hidden">Unread: </span>}
                    <strong>{n.event.actor_name}</strong> {describeNotification(n, meId)}
                    {n.mention && <span className="inbox-tag">Mention</span>}
                    {quoteOf(n.event.event) && (
                      <span className="inbox-quote comment-text">{quoteOf(n.event.event)}</span>
                    )}
                  </span>
                  <span className="inbox-meta">
                    {n.board_name} ·{" "}
                    <time dateTime={n.event.created_at} title={new Date(n.event.created_at).toLocaleString()}>
                      {ago(n.event.created_at)}
                    </time>
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
      {items && loadError && <ErrorNote error={loadError} />}
      {items && cursor && (
        <button type="button" className="secondary inbox-more" onClick={more} disabled={moreBusy}>
          {moreBusy ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}

/** The topbar link to the inbox, with the unread count. */
export function InboxBadge() {
  const count = useUnreadCount().data ?? 0;
  // The name holds the visible text ("Inbox 3"), as speech-input users say what they see.
  const shown = count > 99 ? "99+" : String(count);
  return (
    <Link to={href("inbox")} className="inbox-badge" aria-label={count > 0 ? `Inbox, ${shown} unread` : "Inbox"}>
      Inbox{count > 0 && <>{" "}<span className="inbox-count">{shown}</span></>}
    </Link>
  );
}
