// The signed-in person, fetched once for the whole app.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { API_BASE, ApiError, client, data, type User } from "./client";
import { keys } from "./keys";

/**
 * Whether a session may exist: it always comes with its script-readable
 * CSRF cookie, so without one nobody is signed in and the app asks nothing
 * (no failing request on signed-out pages). Across origins the cookie is
 * not readable: ask.
 */
export function mightBeSignedIn(cookies: string = document.cookie, crossOrigin = API_BASE !== ""): boolean {
  return crossOrigin || cookies.split(";").some((c) => c.trim().startsWith("critboard_csrf="));
}

/** `null` when nobody is signed in; `undefined` while asking. */
export function useMe(): User | null | undefined {
  const q = useQuery({
    queryKey: keys.me,
    queryFn: async () => {
      if (!mightBeSignedIn()) return null;
      try {
        return await data(client.GET("/api/v1/me"));
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: Infinity,
  });
  if (q.isError) return null;
  return q.data;
}

/** Replaces who is signed in (after signing in, out, or changing the name). */
export function useSetMe(): (user: User | null) => void {
  const qc = useQueryClient();
  return (user) => {
    const before = qc.getQueryData<User | null>(keys.me);
    // Someone else now (or nobody): forget all the last one could see,
    // their tokens and settings included; only this query stays observed.
    if (before?.id !== user?.id) {
      qc.removeQueries({ predicate: (q) => !(q.queryKey.length === 1 && q.queryKey[0] === keys.me[0]) });
    }
    qc.setQueryData(keys.me, user);
  };
}
