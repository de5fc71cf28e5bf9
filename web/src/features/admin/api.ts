// The instance admins' requests: error groups (list, detail, resolve or
// ignore) and this node's performance by route.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, data, type Schemas } from "../../api/client";
import { keys } from "../../api/keys";

export type ErrorGroup = Schemas["ErrorGroupOut"];
export type GroupStatus = Schemas["GroupStatus"];
export type RouteFigures = Schemas["RouteFigures"];

export function useErrorGroups(all: boolean) {
  return useQuery({
    queryKey: keys.errorGroups(all),
    queryFn: () => data(client.GET("/api/v1/admin/errors", { params: { query: { all } } })),
  });
}

export function useErrorGroup(id: string) {
  return useQuery({
    queryKey: keys.errorGroup(id),
    queryFn: () => data(client.GET("/api/v1/admin/errors/{id}", { params: { path: { id } } })),
  });
}

/** Resolves, ignores or reopens a group; the lists follow. */
export function useSetErrorStatus(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (status: GroupStatus) =>
      data(client.PATCH("/api/v1/admin/errors/{id}", { params: { path: { id } }, body: { status } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.errors }),
  });
}

export function usePerformance() {
  return useQuery({
    queryKey: keys.performance,
    queryFn: () => data(client.GET("/api/v1/admin/performance")),
  });
}
