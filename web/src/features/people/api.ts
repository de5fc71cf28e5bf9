// The invitation, share-link and people pages' requests.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, data, type Schemas } from "../../api/client";
import { keys } from "../../api/keys";

export const invitation = (token: string) => data(client.GET("/api/v1/invite/{token}", { params: { path: { token } } }));
export const acceptInvitation = (token: string) =>
  data(client.POST("/api/v1/invite/{token}/accept", { params: { path: { token } } }));
export const myWorkspaces = async () => (await data(client.GET("/api/v1/workspaces"))).items;
export const boardsNamed = async (workspace: string, name: string) =>
  (await data(client.GET("/api/v1/workspaces/{id}/boards", {
    params: { path: { id: workspace }, query: { q: name } },
  }))).items;
export const shareLink = (token: string) => data(client.GET("/api/v1/share/{token}", { params: { path: { token } } }));

// The workspace's people: members and pending invitations.
export type WorkspaceMember = Schemas["MemberOut_WorkspaceRole"];
export type { Invitation } from "../../api/invitations";
export type WorkspaceRole = Schemas["WorkspaceRole"];
/** The roles an invitation may give (owners are made among members). */
export type InvitedRole = Schemas["InvitedRole"];

export function useWorkspaceMembers(id: string) {
  return useQuery({
    queryKey: keys.workspaceMembers(id),
    queryFn: async () => (await data(client.GET("/api/v1/workspaces/{id}/members", { params: { path: { id } } }))).items,
  });
}

export function useWorkspaceInvitations(id: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.invitations(id),
    queryFn: async () => (await data(client.GET("/api/v1/workspaces/{id}/invitations", { params: { path: { id } } }))).items,
    enabled,
  });
}

/** Changes or removes members; the list is fetched again either way (a refusal says why). */
export function useMemberChanges(ws: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: keys.workspaceMembers(ws) });
  const path = (user_id: string) => ({ params: { path: { id: ws, user_id } } });
  return {
    role: useMutation({
      mutationFn: ({ user, role }: { user: string; role: WorkspaceRole }) =>
        data(client.PATCH("/api/v1/workspaces/{id}/members/{user_id}", { ...path(user), body: { role } })),
      onSettled: refresh,
    }),
    remove: useMutation({
      mutationFn: (user: string) => client.DELETE("/api/v1/workspaces/{id}/members/{user_id}", path(user)),
      onSettled: refresh,
    }),
  };
}

export const inviteToWorkspace = (ws: string, email: string, role: InvitedRole) =>
  data(client.POST("/api/v1/workspaces/{id}/invitations", { params: { path: { id: ws } }, body: { email, role } }));
