// A tiny router: the app has few screens, and a library would cost more
// bytes than it saves.
import { useEffect, useState } from "react";

export function navigate(path: string) {
  window.history.pushState(null, "", path);
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
  return path === "/signup" ? "/" : path;
}

/** A sign-in link that comes back here afterwards. */
export function signInHere(): string {
  return `/?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}
