// The account pages' requests (the links Critboard e-mails).
import { client, data } from "../../api/client";

export const askForReset = (email: string) => client.POST("/api/v1/auth/password-reset", { body: { email } });
export const resetPassword = (token: string, password: string) =>
  client.POST("/api/v1/auth/password-reset/confirm", { body: { token, password } });
export const confirmAddress = (token: string) => data(client.POST("/api/v1/auth/verify-email", { body: { token } }));
