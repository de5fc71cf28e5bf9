// Workspaces, their folders and board lists, and the changes made from
// the workspace screens.
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { client, data } from "../../api/client";
import { keys } from "../../api/keys";

/** Which boards the grid shows. */
export type View = { kind: "all" } | { kind: "folder"; id: string } | { kind: "archived" };

/** Boards a page asks for: a multiple of 2, 3 and 4 fills the grid's rows. */
export const PAGE_SIZE = 48;

/** What one page of a view's boards asks the API for, optionally filtered by name. */
export function boardsQuery(view: View, q: string, cursor?: string | null) {
  const name = q.trim();
  return {
    q: name || undefined,
    archived: view.kind === "archived" ? true : undefined,
    limit: PAGE_SIZE,
    cursor: cursor || undefined,
  };
}

async function boardsPage(ws: string, view: View, q: string, cursor?: string) {
  const query = boardsQuery(view, q, cursor);
  return view.kind === "folder"
    ? data(client.GET("/api/v1/folders/{id}/boards", { params: { path: { id: view.id }, query } }))
    : data(client.GET("/api/v1/workspaces/{id}/boards", { params: { path: { id: ws }, query } }));
}

export const boardListKey = (ws: string, view: View, q: string) =>
  keys.boardList(ws, { view: view.kind === "folder" ? view.id : view.kind, q: q.trim() });

/** A view's boards, page by page; the previous list stays on screen while another loads. */
export function useBoardList(ws: string, view: View, q: string) {
  return useInfiniteQuery({
    queryKey: boardListKey(ws, view, q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => boardsPage(ws, view, q, pageParam),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useWorkspaces() {
  return useQuery({
    queryKey: keys.workspaces,
    queryFn: async () => (await data(client.GET("/api/v1/workspaces"))).items,
  });
}

export function useWorkspace(id: string) {
  return useQuery({
    queryKey: keys.workspace(id),
    queryFn: () => data(client.GET("/api/v1/workspaces/{id}", { params: { path: { id } } })),
  });
}

export function useFolders(ws: string) {
  return useQuery({
    queryKey: keys.folders(ws),
    queryFn: async () => (await data(client.GET("/api/v1/workspaces/{id}/folders", {
      params: { path: { id: ws } },
    }))).items,
  });
}

export const createWorkspace = (name: string) => data(client.POST("/api/v1/workspaces", { body: { name } }));
export const renameWorkspace = (id: string, name: string) =>
  data(client.PATCH("/api/v1/workspaces/{id}", { params: { path: { id } }, body: { name } }));
export const createFolder = (ws: string, name: string) =>
  data(client.POST("/api/v1/workspaces/{id}/folders", { params: { path: { id: ws } }, body: { name } }));
export const renameFolder = (id: string, name: string) =>
  data(client.PATCH("/api/v1/folders/{id}", { params: { path: { id } }, body: { name } }));
export const deleteFolder = (id: string) => client.DELETE("/api/v1/folders/{id}", { params: { path: { id } } });
export const createBoard = (ws: string, name: string, folder_id: string | null) =>
  data(client.POST("/api/v1/workspaces/{id}/boards", { params: { path: { id: ws } }, body: { name, folder_id } }));
export { patchBoard } from "../../api/boards";

/** Adds the sample board to a workspace; answers the board. */
export const createSampleBoard = (ws: string) =>
  data(client.POST("/api/v1/workspaces/{id}/sample-board", { params: { path: { id: ws } } }));
