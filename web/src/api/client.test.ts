import { describe, expect, it } from "vitest";
import { ApiError, csrfToken, sentence } from "./client";

describe("sentence", () => {
  it("turns the server's fragments into sentences, once", () => {
    expect(sentence("wrong e-mail or password")).toBe("Wrong e-mail or password.");
    expect(sentence("Already done.")).toBe("Already done.");
  });
});

describe("csrfToken", () => {
  it("finds the token among other cookies", () => {
    expect(csrfToken("a=1; critboard_csrf=abc%2Bdef; b=2")).toBe("abc+def");
  });
  it("is undefined when not signed in", () => {
    expect(csrfToken("a=1", null)).toBeUndefined();
  });
  it("falls back to the token a sign-in answer carried (API on another origin)", () => {
    expect(csrfToken("", "from-answer")).toBe("from-answer");
  });
});

describe("ApiError", () => {
  it("exposes field messages of a 422", () => {
    const e = new ApiError(422, {
      type: "urn:critboard:problem:validation",
      title: "Invalid input",
      status: 422,
      detail: "some fields are not valid",
      errors: [{ field: "email", message: "must be an e-mail address" }],
    });
    expect(e.field("email")).toBe("must be an e-mail address");
    expect(e.field("password")).toBeUndefined();
    expect(e.message).toBe("Some fields are not valid.");
  });
});

describe("csrfToken for guests", () => {
  it("uses the guest pass's token when there is no account session", () => {
    expect(csrfToken("critboard_guest_csrf=g1")).toBe("g1");
  });
  it("prefers the account session's token", () => {
    expect(csrfToken("critboard_guest_csrf=g1; critboard_csrf=u1")).toBe("u1");
  });
});
