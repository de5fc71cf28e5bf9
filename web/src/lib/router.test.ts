import { describe, expect, it } from "vitest";
import { afterSignIn } from "./router";

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
