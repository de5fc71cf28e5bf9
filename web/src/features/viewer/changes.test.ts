import { describe, expect, it } from "vitest";
import { verdict, type Changes } from "./changes";

const base: Changes = {
  version_id: "v2", against_id: "v1", page: 1, state: "ready", width: 400, height: 1000,
  changed_percent: 3, regions: [], removed: [], picture_url: null, failure: null,
};

describe("verdict", () => {
  it("says changed where a pin sits in a changed box, unchanged elsewhere", () => {
    const c = { ...base, regions: [{ kind: "changed" as const, x: 0.1, y: 0.1, w: 0.2, h: 0.05 }] };
    expect(verdict({ x: 0.15, y: 0.12 }, c)).toBe("changed");
    expect(verdict({ x: 0.8, y: 0.8 }, c)).toBe("unchanged");
    // An area touching the box's edge counts.
    expect(verdict({ x: 0.25, y: 0.05, w: 0.3, h: 0.06 }, c)).toBe("changed");
  });

  it("moves an old pin below an inserted section before testing it", () => {
    // 200 rows inserted at 300 (new height 1000, old 800); a change at new 700–720.
    const c = {
      ...base,
      regions: [
        { kind: "inserted" as const, x: 0, y: 0.3, w: 1, h: 0.2 },
        { kind: "changed" as const, x: 0.4, y: 0.7, w: 0.1, h: 0.02 },
      ],
    };
    // Old y 505 of 800 is new 705: on the change. Unmoved it would be 0.63, off it.
    expect(verdict({ x: 0.45, y: 505 / 800 }, c)).toBe("changed");
    // Old y 100 is above the section: unmoved, unchanged.
    expect(verdict({ x: 0.45, y: 100 / 800 }, c)).toBe("unchanged");
  });

  it("says changed when the pin's rows were removed, and moves pins below them up", () => {
    // Old 1100 rows; 100 removed above new row 400.
    const c = {
      ...base,
      removed: [{ y: 0.4, height: 100 }],
      regions: [{ kind: "changed" as const, x: 0.4, y: 0.6, w: 0.1, h: 0.02 }],
    };
    expect(verdict({ x: 0.5, y: 450 / 1100 }, c)).toBe("changed");
    // Old 710 is new 610: on the change.
    expect(verdict({ x: 0.45, y: 710 / 1100 }, c)).toBe("changed");
    expect(verdict({ x: 0.45, y: 900 / 1100 }, c)).toBe("unchanged");
  });

  it("says nothing until the changes are worked out", () => {
    expect(verdict({ x: 0.1, y: 0.1 }, { ...base, state: "queued" })).toBeNull();
    expect(verdict({ x: 0.1, y: 0.1 }, { ...base, state: "failed" })).toBeNull();
  });
});
