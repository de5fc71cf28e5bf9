// Website captures: asking for them, and asking again. Both the board page
// and the viewer offer them; the stream reports their progress.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { client, data, type Asset, type Version } from "./client";
import { upsertAsset } from "./boards";
import { keys } from "./keys";

/** Widths a page is captured at unless the person picks others (the server's default too). */
export const DEFAULT_WIDTHS = [1440, 390];
export const MIN_WIDTH = 320;
export const MAX_WIDTH = 2560;
export const MAX_WIDTHS = 4;

/** Where a capture is, in words for its card. */
export const CAPTURE_STATE_LABEL: Partial<Record<Version["state"], string>> = {
  queued: "Waiting to capture…",
  loading: "Loading the page…",
  capturing: "Capturing…",
};

/** "desktop", "mobile" or "768 px", as the server names widths in titles. */
export function widthLabel(width: number): string {
  return width === 1440 ? "desktop" : width === 390 ? "mobile" : `${width} px`;
}

/** The address without its scheme, as a card shows it: "example.com/pricing". */
export function shortAddress(url: string): string {
  return url.replace(/^[a-z]+:\/\//i, "").replace(/[?#].*$/, "").replace(/\/$/, "");
}

/** Captures a page at the widths given; `key` is the form's Idempotency-Key. */
export function useCreateCaptures(boardId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ url, widths, key }: { url: string; widths: number[]; key: string }) =>
      data(client.POST("/api/v1/boards/{id}/captures", {
        params: { path: { id: boardId }, header: { "Idempotency-Key": key } },
        body: { url, widths },
      })),
    onSuccess: (made) => {
      for (const a of made.assets) upsertAsset(qc, boardId, a);
      void qc.invalidateQueries({ queryKey: keys.board(boardId), exact: true });
    },
  });
}

/** Captures one page again: a new version (or another try of a failed one). */
export function useRecapture(asset: Pick<Asset, "id" | "board_id">) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => data(client.POST("/api/v1/assets/{id}/recapture", { params: { path: { id: asset.id } } })),
    // Returned, so that a caller's own onSuccess sees the new version listed.
    onSuccess: (a) => {
      upsertAsset(qc, asset.board_id, a);
      return qc.invalidateQueries({ queryKey: keys.asset(asset.id) });
    },
  });
}

/** Captures every website of a board again. */
export function useRecaptureBoard(boardId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => data(client.POST("/api/v1/boards/{id}/recapture", { params: { path: { id: boardId } } })),
    onSuccess: (made) => {
      for (const a of made.assets) {
        upsertAsset(qc, boardId, a);
        void qc.invalidateQueries({ queryKey: keys.asset(a.id) });
      }
    },
  });
}
