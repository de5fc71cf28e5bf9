// A deck's pages, and how far their rendering is.
import { useQuery } from "@tanstack/react-query";
import { client, data, type Schemas, type Version } from "./client";
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

/** What a deck being prepared shows: slides are converted to PDF first. */
export function deckProgress(contentType: string, rendering: { page: number; pages: number } | null): string {
  if (rendering) return `Rendering page ${rendering.page} of ${rendering.pages}…`;
  return contentType === "application/pdf" ? "Rendering pages…" : "Converting slides…";
}

/** A deck's page shown as if it were its version's picture (canvas, compare). */
export function asPage(version: Version, page: Schemas["PageOut"] | undefined): Version {
  if (!page) return version;
  return {
    ...version, width: page.view.width, height: page.view.height,
    thumbnails: { grid: page.grid, view: page.view },
  };
}
