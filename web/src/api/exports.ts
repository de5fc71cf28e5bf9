// Review records: a board (or one asset) exported as a PDF or CSV by a
// server job; its progress comes over the board's stream, not by polling.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, data, type Schemas } from "./client";
import { keys } from "./keys";

export type Export = Schemas["ExportOut"];
export type ExportFormat = Schemas["ExportFormat"];

export function useStartExport(boardId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { format: ExportFormat; asset_id?: string }) =>
      data(client.POST("/api/v1/boards/{id}/exports", { params: { path: { id: boardId } }, body })),
    onSuccess: (x) => qc.setQueryData(keys.export(x.id), x),
  });
}

/** An export as last heard of: `export.progress` events update it, and the
 *  last one (ready or failed) fetches it again for its download link. */
export function useExport(id: string | null) {
  return useQuery({
    queryKey: keys.export(id ?? ""),
    enabled: !!id,
    queryFn: () => data(client.GET("/api/v1/exports/{id}", { params: { path: { id: id! } } })),
    staleTime: Infinity,
  });
}
