// The board page's requests: muting, members, invitations and share links.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, data, type BoardRole, type Member, type Schemas } from "../../api/client";
import { keys } from "../../api/keys";

type ShareLink = Schemas["ShareLinkOut"];

export function useNotificationSettings() {
  return useQuery({
    queryKey: keys.notificationSettings,
    queryFn: () => data(client.GET("/api/v1/me/notification-settings")),
  });
}

/** Mute or unmute a board (only @mentions notify on a muted one). */
export function useSetMuted(boardId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (muted: boolean) => {
      const params = { params: { path: { id: boardId } } };
      await (muted ? client.PUT("/api/v1/boards/{id}/mute", params) : client.DELETE("/api/v1/boards/{id}/mute", params));
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.notificationSettings }),
  });
}

export function useMembers(boardId: string) {
  return useQuery({
    queryKey: keys.members(boardId),
    queryFn: async () => (await data(client.GET("/api/v1/boards/{id}/members", {
      params: { path: { id: boardId } },
    }))).items,
  });
}

/** Changes a member's role; the list shows the new role at once and goes back if refused. */
export function useChangeRole(boardId: string) {
  const qc = useQueryClient();
  const key = keys.members(boardId);
  return useMutation({
    mutationFn: ({ member, role }: { member: Member; role: BoardRole }) =>
      data(client.PATCH("/api/v1/boards/{id}/members/{user_id}", {
        params: { path: { id: boardId, user_id: member.user_id } }, body: { role },
      })),
    onMutate: ({ member, role }) => {
      const before = qc.getQueryData<Member[]>(key);
      qc.setQueryData<Member[]>(key, (list) => list?.map((m) => (m.user_id === member.user_id ? { ...m, role } : m)));
      return { before };
    },
    onError: (_e, _v, context) => qc.setQueryData(key, context?.before),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
}

export function useRemoveMember(boardId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (member: Member) => client.DELETE("/api/v1/boards/{id}/members/{user_id}", {
      params: { path: { id: boardId, user_id: member.user_id } },
    }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.members(boardId) }),
  });
}

export function useInvite(boardId: string) {
  return useMutation({
    mutationFn: (body: { email: string; role: BoardRole }) =>
      data(client.POST("/api/v1/boards/{id}/invitations", { params: { path: { id: boardId } }, body })),
  });
}

export function useShareLinks(boardId: string) {
  return useQuery({
    queryKey: keys.shareLinks(boardId),
    queryFn: async () => (await data(client.GET("/api/v1/boards/{id}/share-links", {
      params: { path: { id: boardId } },
    }))).items,
  });
}

export function useCreateLink(boardId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["ShareLinkIn"]) =>
      data(client.POST("/api/v1/boards/{id}/share-links", { params: { path: { id: boardId } }, body })),
    onSuccess: (link) => qc.setQueryData<ShareLink[]>(keys.shareLinks(boardId), (list) => [link, ...(list ?? [])]),
  });
}

export function useRevokeLink(boardId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (link: ShareLink) => client.DELETE("/api/v1/share-links/{id}", { params: { path: { id: link.id } } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.shareLinks(boardId) }),
  });
}
