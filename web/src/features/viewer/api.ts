// The viewer's requests: the picture with its versions, a version's
// threads, who can be mentioned, and the changes made from the viewer.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, data, type ReviewStatus, type Thread, type ThreadState } from "../../api/client";
import { keys } from "../../api/keys";
import type { Mark } from "./drawing";

export function useAssetDetail(id: string) {
  return useQuery({
    queryKey: keys.asset(id),
    queryFn: () => data(client.GET("/api/v1/assets/{id}", { params: { path: { id } } })),
  });
}

/** A version's threads (all pages) and those still open on the version before it. */
export function useVersionThreads(assetId: string, versionId: string | undefined) {
  return useQuery({
    queryKey: keys.threads(assetId, versionId ?? ""),
    enabled: !!versionId,
    // One answer holds every thread of a version (the API does not page them).
    queryFn: async (): Promise<{ items: Thread[]; previous: Thread[] }> => {
      const page = await data(client.GET("/api/v1/versions/{id}/threads", { params: { path: { id: versionId! } } }));
      return { items: page.items, previous: page.open_on_previous_version };
    },
  });
}

/** The version a thread is on (a link from an e-mail may name an older one). */
export function useThreadVersion(threadId: string | null) {
  return useQuery({
    queryKey: keys.thread(threadId ?? ""),
    enabled: !!threadId,
    queryFn: () => data(client.GET("/api/v1/threads/{id}", { params: { path: { id: threadId! } } })),
    select: (t) => t.version_id,
  });
}

/** Everyone who can be @mentioned (only those who may comment may ask). */
export function usePeople(boardId: string | null, canComment: boolean) {
  return useQuery({
    queryKey: keys.people(boardId ?? ""),
    enabled: !!boardId && canComment,
    queryFn: async () => (await data(client.GET("/api/v1/boards/{id}/people", {
      params: { path: { id: boardId! } },
    }))).items,
  });
}

/** Changes that touch a picture refresh everything shown of it. */
function useAssetMutation<V, R>(assetId: string, fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.asset(assetId) }),
  });
}

export function useSetReview(assetId: string) {
  return useAssetMutation(assetId, ({ version, status }: { version: string; status: ReviewStatus }) =>
    data(client.PUT("/api/v1/versions/{id}/review", { params: { path: { id: version } }, body: { status } })));
}

export function useRenameAsset(assetId: string) {
  return useAssetMutation(assetId, (title: string) =>
    data(client.PATCH("/api/v1/assets/{id}", { params: { path: { id: assetId } }, body: { title } })));
}

export function useDeleteAsset(assetId: string) {
  return useMutation({
    mutationFn: () => client.DELETE("/api/v1/assets/{id}", { params: { path: { id: assetId } } }),
  });
}

/** `key`: the draft's Idempotency-Key, the same across retries of one text. */
export function useCreateThread(assetId: string, versionId: string) {
  return useAssetMutation(assetId, ({ shape, body, key, page, drawing }: {
    shape: { x: number; y: number; w?: number | null; h?: number | null }; body: string; key: string; page?: number;
    drawing?: Mark[];
  }) => data(client.POST("/api/v1/versions/{id}/threads", {
    params: { path: { id: versionId }, header: { "Idempotency-Key": key } },
    body: { ...shape, body, page, drawing },
  })));
}

export function useReply(assetId: string, threadId: string) {
  return useAssetMutation(assetId, ({ body, key, drawing }: { body: string; key: string; drawing?: Mark[] }) =>
    data(client.POST("/api/v1/threads/{id}/comments", {
      params: { path: { id: threadId }, header: { "Idempotency-Key": key } }, body: { body, drawing },
    })));
}

export function useSetThreadState(assetId: string, threadId: string) {
  return useAssetMutation(assetId, (state: ThreadState) =>
    data(client.PATCH("/api/v1/threads/{id}", { params: { path: { id: threadId } }, body: { state } })));
}

export function useEditComment(assetId: string, commentId: string) {
  return useAssetMutation(assetId, (body: string) =>
    data(client.PATCH("/api/v1/comments/{id}", { params: { path: { id: commentId } }, body: { body } })));
}

export function useDeleteComment(assetId: string, commentId: string) {
  return useAssetMutation(assetId, () =>
    client.DELETE("/api/v1/comments/{id}", { params: { path: { id: commentId } } }));
}
