import { describe, expect, it } from "vitest";
import { mightBeSignedIn } from "./me";

describe("asking who is signed in", () => {
  it("asks only when a session's CSRF cookie is there, or the API is elsewhere", () => {
    expect(mightBeSignedIn("theme=dark; critboard_csrf=abc", false)).toBe(true);
    expect(mightBeSignedIn("critboard_guest_csrf=x", false)).toBe(false);
    expect(mightBeSignedIn("", false)).toBe(false);
    expect(mightBeSignedIn("", true)).toBe(true);
  });
});
