// A deck's pages, and how far their rendering is.
import { useQuery } from "@tanstack/react-query";
import { client, data } from "./client";
import { keys } from "./keys";

/** A deck version's pages (once it is ready). */
export function usePages(versionId: string | null) {
  return useQuery({
    queryKey: keys.pages(versionId ?? ""),
    enabled: !!versionId,
    queryFn: async () => (await data(client.GET("/api/v1/versions/{id}/pages", {
      params: { path: { id: versionId! } },
    }))).items,
  });
}

/** The last `render.progress` the board's stream told of a version. */
export function useRenderProgress(versionId: string | null) {
  return useQuery<{ page: number; pages: number } | null>({
    queryKey: keys.renderProgress(versionId ?? ""),
    enabled: false,
    queryFn: () => null,
  }).data ?? null;
}
