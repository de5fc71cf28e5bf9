import { describe, expect, it } from "vitest";
import { acceptedPath, sameAddress } from "./Invite";

describe("acceptedPath", () => {
  it("goes to the board of a board invitation", () => {
    expect(acceptedPath({ workspace_id: "w", board_id: "b" })).toBe("/b/b");
  });
  it("goes to the workspace otherwise", () => {
    expect(acceptedPath({ workspace_id: "w", board_id: null })).toBe("/w/w");
    expect(acceptedPath({ workspace_id: "w" })).toBe("/w/w");
  });
});

describe("sameAddress", () => {
  it("ignores case and surrounding spaces", () => {
    expect(sameAddress(" Ana@Example.com", "ana@example.com")).toBe(true);
    expect(sameAddress("ana@example.com", "bob@example.com")).toBe(false);
  });
});

