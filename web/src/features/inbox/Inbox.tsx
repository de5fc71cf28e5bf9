// The notifications inbox and the topbar link that counts what is unread.
import { useState, type MouseEvent } from "react";
import { apiError, type Schemas } from "../../api/client";
import { useMe } from "../../api/me";
import { ErrorNote, Link, ago } from "../../components/ui/kit";
import { describeEvent, quoteOf } from "../../lib/eventText";
import { linkedAsset } from "../../lib/events";
import { href, navigate } from "../../lib/router";
import { useInbox, useMarkRead, useUnreadCount } from "./api";
import { useQueryClient } from "@tanstack/react-query";
import { keys } from "../../api/keys";
import { useInboxStream } from "../../lib/live";
import "./inbox.css";

type Notification = Schemas["NotificationOut"];

/**
 * What a notification says after the actor's name: "replied in #3 on
 * “Home”", "mentioned you in #3", "added you to the board as an editor".
 */
export function describeNotification(n: Notification, meId?: string): string {
  return describeEvent(n.event.event, { mention: n.mention, meId });
}

/** Where a notification leads: the picture (and thread) it is about, else its board. */
export function notificationTarget(n: Notification): string {
  const e = n.event.event;
  const asset = linkedAsset(e);
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
  const qc = useQueryClient();
  const count = useUnreadCount().data ?? 0;
  // Each new count from the stream; the inbox list (if open) follows.
  useInboxStream((n) => {
    if (qc.getQueryData(keys.unread) === n) return;
    qc.setQueryData(keys.unread, n);
    void qc.invalidateQueries({ queryKey: ["inbox", "list"] });
  });
  // The name holds the visible text ("Inbox 3"), as speech-input users say what they see.
  const shown = count > 99 ? "99+" : String(count);
  return (
    <Link to={href("inbox")} className="inbox-badge" aria-label={count > 0 ? `Inbox, ${shown} unread` : "Inbox"}>
      Inbox{count > 0 && <>{" "}<span className="inbox-count">{shown}</span></>}
    </Link>
  );
}
