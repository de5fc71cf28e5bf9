// The invitation and share-link pages' requests.
import { client, data } from "../../api/client";

export const invitation = (token: string) => data(client.GET("/api/v1/invite/{token}", { params: { path: { token } } }));
export const acceptInvitation = (token: string) =>
  data(client.POST("/api/v1/invite/{token}/accept", { params: { path: { token } } }));
export const myWorkspaces = async () => (await data(client.GET("/api/v1/workspaces"))).items;
export const boardsNamed = async (workspace: string, name: string) =>
  (await data(client.GET("/api/v1/workspaces/{id}/boards", {
    params: { path: { id: workspace }, query: { q: name } },
  }))).items;
export const shareLink = (token: string) => data(client.GET("/api/v1/share/{token}", { params: { path: { token } } }));
