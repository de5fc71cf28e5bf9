import { describe, expect, it } from "vitest";
import table from "./app/routes.json";
import { PAGES } from "./App";

describe("the app's pages", () => {
  it("shows a screen for every page of the route table, and for no other", () => {
    expect(Object.keys(PAGES).sort()).toEqual(table.routes.map((r) => r.name).sort());
  });
});
