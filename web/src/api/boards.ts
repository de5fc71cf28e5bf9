// A board's data that several screens share (the board page and the
// viewer both show its pictures, and both follow its live stream), and how
// a live event updates the cache: each event names what it changed.
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { ApiError, client, data, type Asset, type Board, type Schemas, type Version } from "./client";
import type { Export } from "./exports";
import { keys } from "./keys";
import { assetOf, threadOf, type BoardEvent } from "../lib/events";
import { useBoardStream, type Viewer } from "../lib/live";

/** Changes a board: name, description, folder, archive, who decides, due date. */
export const patchBoard = (
  id: string,
  body: {
    name?: string; description?: string; archived?: boolean; folder_id?: string | null; deciders?: Schemas["Deciders"];
    due_at?: string | null;
  },
): Promise<Board> => data(client.PATCH("/api/v1/boards/{id}", { params: { path: { id } }, body }));

export function useBoard(id: string | null) {
  return useQuery({
    queryKey: keys.board(id ?? ""),
    queryFn: () => data(client.GET("/api/v1/boards/{id}", { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

/** Every asset of a board, page by page, in board order. */
export async function allAssets(boardId: string): Promise<Asset[]> {
  const out: Asset[] = [];
  let cursor: string | undefined;
  do {
    const page = await data(client.GET("/api/v1/boards/{id}/assets", {
      params: { path: { id: boardId }, query: { limit: 200, cursor } },
    }));
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

export function useAssets(boardId: string | null) {
  return useQuery({
    queryKey: keys.assets(boardId ?? ""),
    queryFn: () => allAssets(boardId!),
    enabled: !!boardId,
  });
}

/** Puts a fetched or uploaded asset into the board's list, in board order. */
export function upsertAsset(qc: QueryClient, boardId: string, asset: Asset) {
  qc.setQueryData<Asset[]>(keys.assets(boardId), (list) => {
    if (!list) return list;
    // A ready version never changes again: an answer that was on its way
    // before it became ready (it says "processing") must not undo it.
    const cached = list.find((a) => a.id === asset.id)?.current_version;
    const next = asset.current_version;
    if (cached?.state === "ready" && next?.id === cached.id && next.state !== "ready") return list;
    return [...list.filter((a) => a.id !== asset.id), asset].sort((a, b) => a.position - b.position);
  });
}

/** Fetches one asset again and puts it into the board's list (or drops it when gone). */
async function refreshListed(qc: QueryClient, boardId: string, assetId: string) {
  if (!qc.getQueryData(keys.assets(boardId))) return;
  try {
    upsertAsset(qc, boardId, await data(client.GET("/api/v1/assets/{id}", { params: { path: { id: assetId } } })));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      qc.setQueryData<Asset[]>(keys.assets(boardId), (list) => list?.filter((a) => a.id !== assetId));
    }
  }
}

/** Shows a capture's new stage on its card, from the event alone. */
function setStage(qc: QueryClient, boardId: string,
  e: { asset_id: string; version_id: string; state: Version["state"] }) {
  qc.setQueryData<Asset[]>(keys.assets(boardId), (list) => list?.map((a) =>
    a.id === e.asset_id && a.current_version?.id === e.version_id
      ? { ...a, current_version: { ...a.current_version, state: e.state, failure: e.state === "queued" ? null : a.current_version.failure } }
      : a));
}

/** The current version of the asset an event is about, as the board's list has it. */
function listedVersion(qc: QueryClient, boardId: string, e: { asset_id: string }) {
  return qc.getQueryData<Asset[]>(keys.assets(boardId))?.find((a) => a.id === e.asset_id)?.current_version;
}

/** What one board event changed in the cache. */
export function applyEvent(qc: QueryClient, boardId: string, event: BoardEvent) {
  const asset = assetOf(event);
  // Whether the board's card already shows what the event says.
  let cardCurrent = false;
  // Whether the board's counts (pictures, open threads, review summary)
  // and the unread badge may have changed (progress notifies nobody).
  let counts = true;
  switch (event.kind) {
    case "member.added":
    case "member.role_changed":
    case "member.removed":
      void qc.invalidateQueries({ queryKey: keys.members(boardId) });
      void qc.invalidateQueries({ queryKey: keys.people(boardId) });
      break;
    case "share_link.created":
    case "share_link.revoked":
      void qc.invalidateQueries({ queryKey: keys.shareLinks(boardId) });
      break;
    case "asset.added":
    case "version.added":
      // Your own upload is on the card already, from its answer.
      cardCurrent = listedVersion(qc, boardId, event)?.id === event.version_id;
      break;
    case "asset.renamed":
      // Notifies nobody and changes no count; the activity shows it.
      void qc.invalidateQueries({ queryKey: keys.activity(boardId) });
      counts = false;
      break;
    case "asset.moved":
      // Every picture after it moved too: the whole order is read again.
      void qc.invalidateQueries({ queryKey: keys.assets(boardId), exact: true });
      void qc.invalidateQueries({ queryKey: keys.activity(boardId) });
      cardCurrent = true;
      counts = false;
      break;
    case "asset.deleted":
      qc.setQueryData<Asset[]>(keys.assets(boardId), (list) => list?.filter((a) => a.id !== event.asset_id));
      cardCurrent = true;
      break;
    case "capture.requested":
      // A failed capture tried again keeps its version: it is queued anew.
      if (listedVersion(qc, boardId, event)?.id === event.version_id) {
        setStage(qc, boardId, { ...event, state: "queued" });
        cardCurrent = true;
      }
      break;
    case "version.ready":
    case "version.failed": {
      // A card fetched for an earlier event may show it already (the
      // stream can lag behind a request).
      const v = listedVersion(qc, boardId, event);
      cardCurrent = v?.id === event.version_id && v.state === (event.kind === "version.ready" ? "ready" : "failed");
      // A deck's page list asked for while it rendered was empty.
      qc.invalidateQueries({ queryKey: keys.pages(event.version_id) });
      break;
    }
    case "capture.progress":
      setStage(qc, boardId, event);
      cardCurrent = true;
      counts = false;
      break;
    case "render.progress":
      // Read by the deck's card ("Rendering page 12 of 40").
      qc.setQueryData(keys.renderProgress(event.version_id), { page: event.page, pages: event.pages });
      cardCurrent = true;
      counts = false;
      break;
    case "changes.ready":
      // A compare or a carried thread waiting for it asks again (once).
      void qc.invalidateQueries({ queryKey: keys.allChanges(event.version_id) });
      // The card says how much its current version changed.
      cardCurrent = event.page !== 1 || listedVersion(qc, boardId, event)?.id !== event.version_id;
      counts = false;
      break;
    case "export.progress": {
      // Only the requester has it in the cache; the last word fetches the link.
      const done = event.state === "ready" || event.state === "failed";
      qc.setQueryData<Export>(keys.export(event.export_id), (x) => x && !done
        ? { ...x, state: "working", done: event.done, total: event.total } : x);
      if (done) void qc.invalidateQueries({ queryKey: keys.export(event.export_id) });
      cardCurrent = true;
      counts = false;
      break;
    }
    case "review.submitted":
      // Threads, replies and decisions on several pictures at once.
      for (const a of event.asset_ids) {
        void qc.invalidateQueries({ queryKey: keys.asset(a) });
        if (a !== asset) void refreshListed(qc, boardId, a);
      }
      void qc.invalidateQueries({ queryKey: keys.reviews(boardId) });
      break;
    case "review.changed":
    case "thread.opened":
    case "comment.added":
    case "comment.edited":
    case "comment.deleted":
    case "thread.resolved":
    case "thread.reopened":
    case "guest.joined":
      break;
    default:
      // The compiler proves every kind is handled; one from a newer server refreshes what it names.
      ((e: never) => e)(event);
  }
  if (counts) {
    void qc.invalidateQueries({ queryKey: keys.board(boardId), exact: true });
    void qc.invalidateQueries({ queryKey: keys.unread });
    // Fetched again only while the activity page is open.
    void qc.invalidateQueries({ queryKey: keys.activity(boardId) });
  }
  if (asset) {
    // The picture's page (its versions and threads), and its card.
    void qc.invalidateQueries({ queryKey: keys.asset(asset) });
    if (!cardCurrent) void refreshListed(qc, boardId, asset);
  }
  const thread = threadOf(event);
  if (thread) void qc.invalidateQueries({ queryKey: keys.thread(thread) });
}

/** Follows a board's live stream while mounted, keeping the cache current; returns who is viewing. */
export function useLiveBoard(boardId: string | null): Viewer[] {
  const qc = useQueryClient();
  return useBoardStream(boardId, {
    onEvent: (e) => applyEvent(qc, e.board_id, e.event),
    // Too far behind to replay: everything of the board may have changed.
    onReset: () => {
      if (!boardId) return;
      void qc.invalidateQueries({ queryKey: ["board", boardId] });
      void qc.invalidateQueries({ queryKey: ["asset"] });
    },
  });
}

export type { Board };
