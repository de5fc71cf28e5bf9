// A board's data that several screens share (the board page and the
// viewer both show its pictures, and both follow its live stream), and how
// a live event updates the cache: each event names what it changed.
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { ApiError, client, data, type Asset, type Board } from "./client";
import { keys } from "./keys";
import { assetOf, threadOf, type BoardEvent } from "../lib/events";
import { useBoardStream, type Viewer } from "../lib/live";

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
  qc.setQueryData<Asset[]>(keys.assets(boardId), (list) =>
    list && [...list.filter((a) => a.id !== asset.id), asset].sort((a, b) => a.position - b.position));
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

/** What one board event changed in the cache. */
export function applyEvent(qc: QueryClient, boardId: string, event: BoardEvent) {
  // The board's counts (pictures, open threads, review summary).
  void qc.invalidateQueries({ queryKey: keys.board(boardId), exact: true });
  void qc.invalidateQueries({ queryKey: keys.unread });
  const asset = assetOf(event);
  if (asset) {
    // The picture's page (its versions and threads), and its card, unless
    // the card already shows this very upload (your own, from its answer).
    void qc.invalidateQueries({ queryKey: keys.asset(asset) });
    const listed = qc.getQueryData<Asset[]>(keys.assets(boardId))?.find((a) => a.id === asset);
    const known = (event.kind === "asset.added" || event.kind === "version.added")
      && listed?.current_version?.id === event.version_id;
    if (!known) void refreshListed(qc, boardId, asset);
  }
  const thread = threadOf(event);
  if (thread) void qc.invalidateQueries({ queryKey: keys.thread(thread) });
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
    default:
      break;
  }
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
