// The API client: openapi-fetch over the paths of the OpenAPI document
// (schema.d.ts is generated from openapi.json, which a server test keeps
// equal to the served one), so every method, path, body and answer is
// type-checked. CSRF, credentials and problem documents are middleware.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

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
export type ThreadState = Schemas["ThreadState"];

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

/** A mutation's or query's error as the ApiError it is (null when none). */
export function apiError(e: unknown): ApiError | null {
  if (e == null) return null;
  return e instanceof ApiError ? e : new ApiError(0, null);
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

/** Keeps the CSRF token a sign-in (or a share link's guest pass) answered with. */
export function rememberCsrf(data: unknown) {
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

const OFFLINE: Problem = {
  type: "urn:critboard:problem:network",
  title: "Offline",
  status: 0,
  detail: "Critboard could not be reached. Check your connection and try again.",
} as Problem;

/** CSRF on changes; failed answers become an ApiError with the server's problem document. */
const problems: Middleware = {
  onRequest({ request }) {
    const token = csrfToken();
    if (token && request.method !== "GET" && request.method !== "HEAD") request.headers.set("x-csrf-token", token);
    return request;
  },
  async onResponse({ response }) {
    if (response.ok) return response;
    let problem: Problem | null = null;
    try {
      problem = (await response.clone().json()) as Problem;
    } catch {
      // A proxy's HTML error page: keep the status, drop the body.
    }
    throw new ApiError(response.status, problem);
  },
  onError({ error }) {
    return error instanceof ApiError ? error : new ApiError(0, OFFLINE);
  },
};

export const client = createClient<paths>({
  baseUrl: API_BASE,
  credentials: API_BASE ? "include" : "same-origin",
  // Looked up per request, so tests can stand in for the network.
  fetch: (request) => globalThis.fetch(request),
});
client.use(problems);

/**
 * The answer of a request made with `client`, or its ApiError thrown.
 * `await data(client.GET("/api/v1/me"))`.
 */
export async function data<T>(request: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data } = await request;
  return data as T;
}
