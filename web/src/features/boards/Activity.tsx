// A board's activity: everything that happened on it, newest first, in
// words ("Cleo (guest) approved version 2 of “Home”"), each line leading to
// what it is about. Follows the board's live stream.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { apiError, client, data, type Event } from "../../api/client";
import { useBoard, useLiveBoard } from "../../api/boards";
import { keys } from "../../api/keys";
import { useMe } from "../../api/me";
import { ago, ErrorNote, Link } from "../../components/ui/kit";
import { describeEvent, quoteOf } from "../../lib/eventText";
import { linkedAsset, threadOf } from "../../lib/events";
import { href } from "../../lib/router";
import "./activity.css";

/** Which events a filter keeps. */
export const ACTIVITY_FILTERS = {
  all: { label: "Everything", kinds: null },
  comments: { label: "Comments", kinds: ["thread.opened", "comment.added", "thread.resolved", "thread.reopened"] },
  decisions: { label: "Decisions", kinds: ["review.changed"] },
  files: { label: "Files", kinds: ["asset.added", "version.added", "capture.requested", "asset.renamed", "asset.deleted"] },
  people: { label: "People", kinds: ["member.added", "member.role_changed", "member.removed", "share_link.created", "share_link.revoked", "guest.joined"] },
} as const;
export type ActivityFilter = keyof typeof ACTIVITY_FILTERS;

/** Progress reports are for live screens, not history. */
const NOISE = new Set(["capture.progress", "render.progress", "changes.ready", "export.progress", "version.ready"]);

export function shownInActivity(e: Event, filter: ActivityFilter): boolean {
  if (NOISE.has(e.event.kind)) return false;
  const kinds: readonly string[] | null = ACTIVITY_FILTERS[filter].kinds;
  return !kinds || kinds.includes(e.event.kind);
}

/** Where a line leads: the picture (at the thread), else the board. */
export function activityTarget(e: Event): string {
  const asset = linkedAsset(e.event);
  if (asset) return href("asset", { id: asset }, { thread: threadOf(e.event) });
  return href("board", { id: e.board_id });
}

export function BoardActivity({ id }: { id: string }) {
  const board = useBoard(id).data;
  useLiveBoard(id);
  const meId = useMe()?.id;
  const [filter, setFilter] = useState<ActivityFilter>("all");
  const feed = useInfiniteQuery({
    queryKey: keys.activity(id),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => data(client.GET("/api/v1/boards/{id}/activity", {
      params: { path: { id }, query: { limit: 100, cursor: pageParam } },
    })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const events = (feed.data?.pages.flatMap((p) => p.items) ?? []).filter((e) => shownInActivity(e, filter));
  return (
    <section className="activity">
      <p className="crumb"><Link to={href("board", { id })}>← {board?.name ?? "Board"}</Link></p>
      <h1>Activity</h1>
      <div className="status-filter" role="group" aria-label="Show">
        {(Object.keys(ACTIVITY_FILTERS) as ActivityFilter[]).map((f) => (
          <button key={f} type="button" className={filter === f ? "chip on" : "chip"} aria-pressed={filter === f}
            onClick={() => setFilter(f)}>{ACTIVITY_FILTERS[f].label}</button>
        ))}
      </div>
      <ErrorNote error={apiError(feed.error)} />
      {feed.isPending && <p className="loading">Loading…</p>}
      {feed.data && events.length === 0 && <p className="empty">Nothing here yet.</p>}
      {events.length > 0 && (
        <ol className="activity-list">
          {events.map((e) => (
            <li key={e.id}>
              <Link to={activityTarget(e)}>
                <span className="activity-text">
                  <strong>{e.actor_name}</strong> {describeEvent(e.event, { meId })}
                  {quoteOf(e.event) && <span className="activity-quote comment-text">{quoteOf(e.event)}</span>}
                </span>
                <time dateTime={e.created_at} title={new Date(e.created_at).toLocaleString()}>{ago(e.created_at)}</time>
              </Link>
            </li>
          ))}
        </ol>
      )}
      {feed.hasNextPage && (
        <button type="button" className="secondary activity-more" disabled={feed.isFetchingNextPage}
          onClick={() => void feed.fetchNextPage()}>{feed.isFetchingNextPage ? "Loading…" : "Older"}</button>
      )}
    </section>
  );
}
