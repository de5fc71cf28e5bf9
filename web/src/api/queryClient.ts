// The server-state cache. A refusal (4xx) is an answer, not a hiccup: only
// lost connections and server failures are tried again.
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./client";

export function retryable(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status > 0 && error.status < 500 && error.status !== 429) return false;
  return failures < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Live streams and mutations say when data changed; a focus refetch
      // covers what a closed tab missed.
      queries: { staleTime: 30_000, retry: retryable },
      mutations: { retry: false },
    },
  });
}
