// The notifications inbox and the topbar link that counts what is unread.
import { useCallback, useEffect, useRef, useState, type MouseEvent } from "react";
import { api, ApiError, type Schemas, type User } from "../../api/client";
import { ErrorNote, Link, ago } from "../../components/ui/kit";
import { href, navigate } from "../../lib/router";
import "./inbox.css";

type Notification = Schemas["NotificationOut"];
type InboxPage = Schemas["Inbox"];

/**
 * Fired on `window` when notifications were marked read, so the topbar
 * count follows at once; `detail.unread_count` carries the new count.
 */
export const INBOX_EVENT = "critboard:inbox";

function announce(unreadCount: number) {
  window.dispatchEvent(new CustomEvent(INBOX_EVENT, { detail: { unread_count: unreadCount } }));
}

/** The event's payload; the API types it as an open JSON object. */
function payloadOf(n: Notification): Record<string, unknown> {
  return (n.event.payload ?? {}) as Record<string, unknown>;
}

function text(p: Record<string, unknown>, key: string): string | undefined {
  const v = p[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function num(p: Record<string, unknown>, key: string): number | undefined {
  const v = p[key];
  return typeof v === "number" ? v : undefined;
}

const ROLE_NOUN: Record<string, string> = {
  viewer: "a viewer",
  commenter: "a commenter",
  editor: "an editor",
  owner: "an owner",
};

/**
 * What a notification says after the actor's name: "replied in #3",
 * "mentioned you in #3", "added you to the board as an editor".
 */
export function describeNotification(n: Notification, meId?: string): string {
  const p = payloadOf(n);
  const thread = num(p, "number") !== undefined ? `#${num(p, "number")}` : "a thread";
  const title = text(p, "title");
  const picture = title ? `“${title}”` : "a picture";
  const role = ROLE_NOUN[text(p, "role") ?? ""];
  const you = meId !== undefined && text(p, "user_id") === meId;
  const member = text(p, "name") ?? "someone";
  switch (n.event.kind) {
    case "thread.opened":
      return n.mention ? `mentioned you in a new thread ${thread}` : `started thread ${thread}`;
    case "comment.added":
      return n.mention ? `mentioned you in ${thread}` : `replied in ${thread}`;
    case "comment.edited":
      return n.mention ? "mentioned you in an edited comment" : "edited a comment";
    case "comment.deleted":
      return "deleted a comment";
    case "thread.resolved":
      return `resolved ${thread}`;
    case "thread.reopened":
      return `reopened ${thread}`;
    case "review.changed": {
      const version = num(p, "number") !== undefined ? `version ${num(p, "number")}` : "a version";
      switch (text(p, "status")) {
        case "approved":
          return `approved ${version}`;
        case "changes_requested":
          return `requested changes on ${version}`;
        default:
          return `put ${version} back in review`;
      }
    }
    case "asset.added":
      return `added ${picture}`;
    case "version.added": {
      const v = num(p, "number");
      return v !== undefined ? `uploaded version ${v} of ${picture}` : `uploaded a new version of ${picture}`;
    }
    case "member.added":
      if (p.invitation === true) return role ? `joined the board as ${role}` : "joined the board";
      if (you) return role ? `added you to the board as ${role}` : "added you to the board";
      return role ? `added ${member} to the board as ${role}` : `added ${member} to the board`;
    case "member.role_changed":
      if (you) return role ? `made you ${role} of the board` : "changed your role on the board";
      return role ? `made ${member} ${role} of the board` : `changed ${member}’s role on the board`;
    case "member.removed":
      return you ? "removed you from the board" : `removed ${member} from the board`;
    case "share_link.created":
      return "created a share link";
    case "share_link.revoked":
      return "revoked a share link";
    case "guest.joined":
      return "opened the board as a guest";
    default:
      return n.event.kind.replace(/[._]/g, " ");
  }
}

/** Where a notification leads: the picture (and thread) it is about, else its board. */
export function notificationTarget(n: Notification): string {
  const p = payloadOf(n);
  const asset = text(p, "asset_id");
  const thread = text(p, "thread_id");
  if (asset) return href("asset", { id: asset }, { thread });
  return href("board", { id: n.board_id });
}

/** Notifications, newest first: open one to mark it read and go to what it is about. */
export function Inbox() {
  const [items, setItems] = useState<Notification[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [unread, setUnread] = useState(0);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [meId, setMeId] = useState<string | undefined>(undefined);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [moreBusy, setMoreBusy] = useState(false);
  const [markBusy, setMarkBusy] = useState(false);
  const [markError, setMarkError] = useState<ApiError | null>(null);

  // Answers to an earlier filter arrive late sometimes; only the latest counts.
  const latest = useRef(0);
  const load = useCallback(async (after: string | null) => {
    const q = new URLSearchParams({ limit: "30" });
    if (unreadOnly) q.set("unread", "true");
    if (after) q.set("cursor", after);
    const ticket = ++latest.current;
    const page = await api<InboxPage>("GET", `/api/v1/notifications?${q}`);
    if (ticket !== latest.current) return;
    setItems((old) => (after && old ? [...old, ...page.items] : page.items));
    setCursor(page.next_cursor ?? null);
    setUnread(page.unread_count);
  }, [unreadOnly]);

  const first = useCallback(() => {
    setItems(null);
    setLoadError(null);
    load(null).catch((e: unknown) => {
      if (e instanceof ApiError) setLoadError(e);
      else throw e;
    });
  }, [load]);

  useEffect(first, [first]);

  useEffect(() => {
    // Only to say "you" in member events; the list works without it.
    api<User>("GET", "/api/v1/me").then((u) => setMeId(u.id)).catch(() => undefined);
  }, []);

  const more = async () => {
    setMoreBusy(true);
    setLoadError(null);
    try {
      await load(cursor);
    } catch (e) {
      if (e instanceof ApiError) setLoadError(e);
      else throw e;
    } finally {
      setMoreBusy(false);
    }
  };

  const markAll = async () => {
    setMarkBusy(true);
    setMarkError(null);
    try {
      const r = await api<Schemas["UnreadOut"]>("POST", "/api/v1/notifications/read", { all: true });
      const now = new Date().toISOString();
      setItems((old) => (unreadOnly ? [] : old?.map((n) => ({ ...n, read_at: n.read_at ?? now })) ?? null));
      setCursor((c) => (unreadOnly ? null : c));
      setUnread(r.unread_count);
      announce(r.unread_count);
    } catch (e) {
      if (e instanceof ApiError) setMarkError(e);
      else throw e;
    } finally {
      setMarkBusy(false);
    }
  };

  const markRead = (n: Notification) => {
    if (!n.read_at) {
      // Marked in the background: going to the picture must not wait for it.
      const now = new Date().toISOString();
      setItems((old) => old?.map((x) => (x.id === n.id ? { ...x, read_at: now } : x)) ?? null);
      api<Schemas["UnreadOut"]>("POST", "/api/v1/notifications/read", { ids: [n.id] })
        .then((r) => announce(r.unread_count))
        .catch(() => undefined);
    }
  };

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
                    {!n.read_at && <span className="sr-only">Unread: </span>}
                    <strong>{n.event.actor_name}</strong> {describeNotification(n, meId)}
                    {n.mention && <span className="inbox-tag">Mention</span>}
                    {text(payloadOf(n), "excerpt") && (
                      <span className="inbox-quote comment-text">{text(payloadOf(n), "excerpt")}</span>
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
  const [count, setCount] = useState(0);

  useEffect(() => {
    let alive = true;
    const refresh = () => {
      api<InboxPage>("GET", "/api/v1/notifications?unread=true&limit=1")
        .then((page) => alive && setCount(page.unread_count))
        .catch(() => undefined); // the badge stays as it was; the inbox shows errors
    };
    const tick = () => {
      if (!document.hidden) refresh();
    };
    const changed = (e: Event) => {
      const n = (e as CustomEvent<{ unread_count?: unknown } | null>).detail?.unread_count;
      if (typeof n === "number") setCount(n);
      else refresh();
    };
    refresh();
    const timer = window.setInterval(tick, 60_000);
    window.addEventListener("focus", refresh);
    window.addEventListener(INBOX_EVENT, changed);
    return () => {
      alive = false;
      window.clearInterval(timer);
      window.removeEventListener("focus", refresh);
      window.removeEventListener(INBOX_EVENT, changed);
    };
  }, []);

  // The name holds the visible text ("Inbox 3"), as speech-input users say what they see.
  const shown = count > 99 ? "99+" : String(count);
  return (
    <Link to={href("inbox")} className="inbox-badge" aria-label={count > 0 ? `Inbox, ${shown} unread` : "Inbox"}>
      Inbox{count > 0 && <>{" "}<span className="inbox-count">{shown}</span></>}
    </Link>
  );
}
