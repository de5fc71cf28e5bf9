// A stand-in for the API in component tests: MSW answers the requests the
// real client makes (through openapi-fetch, with its middleware).
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";

export const server = setupServer();

/** Starts the stand-in for the test file; an unexpected request fails the test. */
export function standInNetwork() {
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}
