import { describe, expect, it } from "vitest";
import fixture from "../app/links.fixture.json";
import table from "../app/routes.json";
import { afterSignIn, href, matchRoute } from "./router";

describe("afterSignIn", () => {
  it("returns to the page that asked for a sign-in", () => {
    expect(afterSignIn("/", "?next=%2Fa%2Fx%3Fthread%3Dt")).toBe("/a/x?thread=t");
  });
  it("never leaves the app (no open redirect)", () => {
    expect(afterSignIn("/", "?next=%2F%2Fevil.example")).toBe("/");
    expect(afterSignIn("/", "?next=https%3A%2F%2Fevil.example")).toBe("/");
    expect(afterSignIn("/", "?next=%2F%5Cevil.example")).toBe("/");
  });
  it("stays where it was otherwise, and leaves the sign-up page", () => {
    expect(afterSignIn("/w/abc", "")).toBe("/w/abc");
    expect(afterSignIn("/signup", "")).toBe("/");
  });
});

// The server builds every link of links.fixture.json (a Rust test checks
// that); each must open the page it names, with the values it carries.
describe("links the server builds", () => {
  for (const link of fixture.links) {
    it(`opens ${link.link}`, () => {
      const url = new URL(fixture.base + link.url);
      const m = matchRoute(url.pathname, url.search);
      if (link.route === null) {
        expect(m).toBeNull();
        expect(url.pathname.startsWith("/api/v1/")).toBe(true);
        return;
      }
      expect(m).toEqual({ name: link.route, params: link.params, query: link.query });
      // And the app builds the same link from those values.
      expect(href(m!.name, m!.params, m!.query)).toBe(link.url);
    });
  }
});

describe("matchRoute", () => {
  it("knows every page of the table", () => {
    for (const r of table.routes) {
      const path = r.path.replace(":id", "01936f4e-0000-7000-8000-0000000000b1").replace(":token", "t0k.en");
      expect(matchRoute(path)?.name).toBe(r.name);
    }
  });
  it("is null for addresses that are none of them", () => {
    for (const path of ["/this/does/not/exist", "/b/not-a-uuid", "/b/", "/inbox/", "/boards/01936f4e-0000-7000-8000-0000000000b1"]) {
      expect(matchRoute(path)).toBeNull();
    }
  });
  it("keeps only the query values a page knows", () => {
    expect(matchRoute("/a/01936f4e-0000-7000-8000-0000000000a1", "?thread=t&utm_source=x")?.query).toEqual({ thread: "t" });
  });
});
