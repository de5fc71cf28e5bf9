// The API client: typed by the OpenAPI document (schema.d.ts is generated
// from openapi.json, which a server test keeps equal to the served one).
import type { components } from "./schema";

export type Schemas = components["schemas"];
export type User = Schemas["UserOut"];
export type Session = Schemas["SessionOut"];
export type Workspace = Schemas["WorkspaceOut"];
export type Board = Schemas["BoardOut"];
export type Problem = Schemas["Problem"];
export type Folder = Schemas["FolderOut"];
export type Asset = Schemas["AssetOut"];
export type AssetDetail = Schemas["AssetDetail"];
export type Version = Schemas["VersionOut"];
export type Thread = Schemas["ThreadOut"];
export type Comment = Schemas["CommentOut"];
export type Event = Schemas["EventOut"];
export type Member = Schemas["MemberOut_BoardRole"];
export type BoardRole = Schemas["BoardRole"];
export type ReviewStatus = Schemas["ReviewStatus"];

/** "wrong e-mail or password" → "Wrong e-mail or password." */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return t[0].toUpperCase() + t.slice(1) + (/[.!?…]$/.test(t) ? "" : ".");
}

/** A failed request, with the server's problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(sentence(problem?.detail ?? `The server answered ${status}.`));
  }

  /** The message for one field of a 422, if the server named it. */
  field(name: string): string | undefined {
    return this.problem?.errors?.find((e) => e.field === name)?.message;
  }
}

/**
 * The CSRF token the server set next to the session cookie; a guest (no
 * account session) sends the one of their share-link pass instead. When
 * the API is on another origin its cookies are not readable here, so the
 * token the sign-in answer carried (kept for this tab) stands in.
 */
export function csrfToken(cookies: string = document.cookie, stored: string | null = storedCsrf()): string | undefined {
  let guest: string | undefined;
  for (const part of cookies.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "critboard_csrf") return decodeURIComponent(rest.join("="));
    if (name === "critboard_guest_csrf") guest = decodeURIComponent(rest.join("="));
  }
  return guest ?? stored ?? undefined;
}

function storedCsrf(): string | null {
  try {
    return window.sessionStorage.getItem("critboard_csrf");
  } catch {
    return null;
  }
}

function rememberCsrf(data: unknown) {
  const token = (data as { csrf_token?: unknown } | null)?.csrf_token;
  if (typeof token !== "string") return;
  try {
    window.sessionStorage.setItem("critboard_csrf", token);
  } catch {
    /* private mode: same-origin cookies still work */
  }
}

/**
 * Where the API is: the app's own origin, unless the build sets
 * `VITE_API_URL` (the app served from another origin, allowed by the
 * server's `CRITBOARD_CORS_ORIGINS`).
 */
export const API_BASE: string = (import.meta.env.VITE_API_URL ?? "").replace(/\/$/, "");

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (body !== undefined) headers["content-type"] = "application/json";
  const token = csrfToken();
  if (token && method !== "GET") headers["x-csrf-token"] = token;
  let res: Response;
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      credentials: API_BASE ? "include" : "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {
      type: "urn:critboard:problem:network",
      title: "Offline",
      status: 0,
      detail: "Critboard could not be reached. Check your connection and try again.",
    } as Problem);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page: keep the status, drop the body.
  }
  if (!res.ok) throw new ApiError(res.status, data as Problem | null);
  rememberCsrf(data);
  return data as T;
}
