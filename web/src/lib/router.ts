// A tiny router over the app's page table (src/app/routes.json), which the
// server reads too: it builds its e-mail links by it and answers 404 for
// paths that are none of these pages. A library would cost more bytes
// than it saves for this few screens.
import { useEffect, useState } from "react";
import table from "../app/routes.json";

export type RouteName = (typeof table.routes)[number]["name"];

/** A path taken apart: which page, and the values in it. */
export interface Match {
  name: RouteName;
  params: Record<string, string>;
  query: Record<string, string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[A-Za-z0-9_.-]+$/;

/** The page a path shows, or `null` when it is none of the app's pages. */
export function matchRoute(pathname: string, search = ""): Match | null {
  const got = pathname.split("/");
  const q = new URLSearchParams(search);
  for (const route of table.routes) {
    const want = route.path.split("/");
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    const fits = want.every((w, i) => {
      if (w === ":id" && UUID.test(got[i])) params.id = got[i].toLowerCase();
      else if (w === ":token" && TOKEN.test(got[i])) params.token = got[i];
      else return w === got[i];
      return true;
    });
    if (!fits) continue;
    const query: Record<string, string> = {};
    for (const key of (route as { query?: string[] }).query ?? []) {
      const v = q.get(key);
      if (v !== null) query[key] = v;
    }
    return { name: route.name, params, query };
  }
  return null;
}

/** The path of a page: `href("asset", { id }, { thread })`. Empty query values are left out. */
export function href(
  name: RouteName,
  params: Record<string, string> = {},
  query: Record<string, string | number | null | undefined> = {},
): string {
  const route = table.routes.find((r) => r.name === name);
  if (!route) throw new Error(`no page named ${name}`);
  const path = route.path.replace(/:(\w+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`${name} needs ${key}`);
    return encodeURIComponent(value);
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** `replace`: stepping through pictures, where Back should leave the viewer, not retrace every step. */
export function navigate(path: string, { replace = false } = {}) {
  if (replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return path;
}

/** Where to go after signing in: back to the page that asked (same-origin paths only). */
export function afterSignIn(path: string, search: string = window.location.search): string {
  const next = new URLSearchParams(search).get("next");
  if (next && /^\/(?![/\\])/.test(next)) return next;
  return path === href("signup") ? href("home") : path;
}

/** A sign-in link that comes back here afterwards. */
export function signInHere(): string {
  return `${href("home")}?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}
