import { describe, expect, it } from "vitest";
import { changedLabel, decisionText, reviewerName } from "./assets";

const ago = (iso: string) => `at ${iso}`;

describe("decisions in words", () => {
  it("names who decided, their role and when", () => {
    expect(decisionText("approved", { name: "Cleo", role: "guest" }, "T", ago)).toBe("Approved by Cleo (guest) · at T");
    expect(decisionText("changes_requested", { name: "Ed", role: "editor" }, "T", ago))
      .toBe("Changes requested by Ed (editor) · at T");
    expect(decisionText("in_review", { name: "Ada", role: "owner" }, "T", ago)).toBe("Back in review by Ada (owner) · at T");
  });

  it("leaves out what is not known", () => {
    // Decisions made before roles were kept.
    expect(decisionText("approved", { name: "Ada" }, "T", ago)).toBe("Approved by Ada · at T");
    expect(decisionText("approved", null, "T", ago)).toBeNull();
    expect(decisionText("in_review", { name: "Ada" }, null, ago)).toBeNull();
    expect(reviewerName("Bo", null)).toBe("Bo");
  });
});

describe("how much a version changed", () => {
  it("rounds to what a card has room for", () => {
    expect(changedLabel(0)).toBe("Unchanged");
    expect(changedLabel(0.04)).toBe("< 0.1 % changed");
    expect(changedLabel(3.456)).toBe("3.5 % changed");
    expect(changedLabel(42.6)).toBe("43 % changed");
  });
});
