// A review gathered as drafts and submitted at once: the caller's draft
// on a board, and the changes made to it from the viewer.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, data, type ReviewStatus, type Schemas } from "../../api/client";
import { keys } from "../../api/keys";
import type { Mark } from "./drawing";

export type Review = Schemas["ReviewOut"];
export type DraftItem = Schemas["ReviewItemOut"];

/** The caller's draft review of the board, if they started one (it survives reloads). */
export function useDraftReview(boardId: string | null, canComment: boolean) {
  return useQuery({
    queryKey: keys.reviews(boardId ?? ""),
    enabled: !!boardId && canComment,
    queryFn: () => data(client.GET("/api/v1/boards/{id}/reviews", { params: { path: { id: boardId! } } })),
    select: (page): Review | null => page.items.find((r) => r.state === "draft") ?? null,
  });
}

/** Every change to a draft refreshes it; submitting refreshes the pictures too. */
function useReviewMutation<V, R>(boardId: string, fn: (v: V) => Promise<R>, assets = false) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.reviews(boardId) });
      if (assets) void qc.invalidateQueries({ queryKey: ["asset"] });
    },
  });
}

export function useStartReview(boardId: string) {
  return useReviewMutation(boardId, () =>
    data(client.POST("/api/v1/boards/{id}/reviews", { params: { path: { id: boardId } } })));
}

export type DraftIn =
  | { version_id: string; x: number; y: number; w?: number | null; h?: number | null; page?: number; body: string; drawing?: Mark[] }
  | { thread_id: string; body: string; drawing?: Mark[] };

export function useAddDraft(boardId: string, reviewId: string | undefined) {
  return useReviewMutation(boardId, (item: DraftIn) =>
    data(client.POST("/api/v1/reviews/{id}/items", { params: { path: { id: reviewId! } }, body: item })));
}

export function useRemoveDraft(boardId: string) {
  return useReviewMutation(boardId, (itemId: string) =>
    client.DELETE("/api/v1/review-items/{id}", { params: { path: { id: itemId } } }));
}

export function useDiscardReview(boardId: string) {
  return useReviewMutation(boardId, (reviewId: string) =>
    client.DELETE("/api/v1/reviews/{id}", { params: { path: { id: reviewId } } }));
}

export function useSubmitReview(boardId: string) {
  return useReviewMutation(boardId, ({ reviewId, summary, decisions }: {
    reviewId: string; summary: string; decisions: { version_id: string; status: ReviewStatus }[];
  }) => data(client.POST("/api/v1/reviews/{id}/submit", {
    params: { path: { id: reviewId } }, body: { summary: summary.trim() || null, decisions },
  })), true);
}
