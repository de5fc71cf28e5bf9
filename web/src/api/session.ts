// Signing in and out, shared by the sign-in page, invitations and share
// links. Answers that open a session carry its CSRF token, kept for this
// tab when the API is on another origin (see csrfToken).
import { client, data, rememberCsrf, type Schemas } from "./client";

async function remembered<T>(request: Promise<{ data?: T; response: Response }>): Promise<T> {
  const answer = await data(request);
  rememberCsrf(answer);
  return answer;
}

export const signIn = (email: string, password: string) =>
  remembered(client.POST("/api/v1/auth/login", { body: { email, password } }));

export const signUp = (body: Schemas["SignupIn"]) => remembered(client.POST("/api/v1/auth/signup", { body }));

export const signOut = () => client.POST("/api/v1/auth/logout");

/** Opens a share link as a guest (a signed-in person under their own name). */
export const openShareLink = (token: string, body: Schemas["GuestIn"]) =>
  remembered(client.POST("/api/v1/share/{token}/session", { params: { path: { token } }, body }));

/**
 * Where signing in leads: where the person was going, except that the
 * list of workspaces is skipped for someone who has exactly one.
 */
export async function landing(target: string, home = "/", workspacePath = (id: string) => `/w/${id}`): Promise<string> {
  if (target !== home) return target;
  try {
    const { items } = await data(client.GET("/api/v1/workspaces"));
    return items.length === 1 ? workspacePath(items[0].id) : target;
  } catch {
    return target;
  }
}
