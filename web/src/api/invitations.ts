// Invitations not accepted yet, wherever they are listed (a workspace's
// people page, a board's share dialog): resend with a fresh link, or withdraw.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { client, data, type Schemas } from "./client";

export type Invitation = Schemas["InvitationOut"];

/** Resend and withdraw; `listKey` is the list they change (a workspace's or a board's). */
export function useInvitationChanges(listKey: readonly unknown[]) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: listKey });
  return {
    resend: useMutation({
      mutationFn: (id: string) => data(client.POST("/api/v1/invitations/{id}/resend", { params: { path: { id } } })),
      onSettled: refresh,
    }),
    withdraw: useMutation({
      mutationFn: (id: string) => client.DELETE("/api/v1/invitations/{id}", { params: { path: { id } } }),
      onSettled: refresh,
    }),
  };
}

