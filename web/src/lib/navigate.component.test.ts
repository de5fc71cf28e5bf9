// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { navigate } from "./router";

describe("navigate", () => {
  it("adds a history entry, or replaces the current one when stepping", () => {
    let told = 0;
    window.addEventListener("popstate", () => told++);
    const start = window.history.length;
    navigate("/a/one");
    expect(window.history.length).toBe(start + 1);
    navigate("/a/two", { replace: true });
    navigate("/a/three", { replace: true });
    expect(window.history.length).toBe(start + 1);
    expect(window.location.pathname).toBe("/a/three");
    expect(told).toBe(3);
  });
});
