// Settings' requests: the profile, the password, e-mail rhythm and mutes,
// and API tokens.
import { useQuery } from "@tanstack/react-query";
import { client, data } from "../../api/client";
import { keys } from "../../api/keys";

export function useNotificationSettings() {
  return useQuery({
    queryKey: keys.notificationSettings,
    queryFn: () => data(client.GET("/api/v1/me/notification-settings")),
  });
}

export function useTokens() {
  return useQuery({
    queryKey: keys.tokens,
    queryFn: async () => (await data(client.GET("/api/v1/me/tokens"))).items,
  });
}

export const saveName = (display_name: string) => data(client.PATCH("/api/v1/me", { body: { display_name } }));
export const askForConfirmation = () => client.POST("/api/v1/me/verification");
export const fetchMe = () => data(client.GET("/api/v1/me"));
export const changePassword = (current_password: string, new_password: string) =>
  client.POST("/api/v1/me/password", { body: { current_password, new_password } });
export const saveRhythm = (email: import("../../api/client").Schemas["EmailFrequency"]) =>
  data(client.PUT("/api/v1/me/notification-settings", { body: { email } }));
export const unmute = (board: string) => client.DELETE("/api/v1/boards/{id}/mute", { params: { path: { id: board } } });
export const createToken = (name: string) => data(client.POST("/api/v1/me/tokens", { body: { name } }));
export const revokeToken = (id: string) => client.DELETE("/api/v1/me/tokens/{id}", { params: { path: { id } } });
