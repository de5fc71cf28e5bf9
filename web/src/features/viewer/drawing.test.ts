import { describe, expect, it } from "vitest";
import { arrowHead, markFromDrag, MARK_POINTS_MAX, strokeFrom, type Point } from "./drawing";

describe("drawing marks", () => {
  it("makes a mark of a drag, kept on the picture, and none of a click", () => {
    expect(markFromDrag("arrow", "red", [0.1, 0.2], [1.3, -0.1])).toEqual(
      { kind: "arrow", color: "red", points: [[0.1, 0.2], [1, 0]] });
    expect(markFromDrag("rectangle", "blue", [0.5, 0.5], [0.5005, 0.5])).toBeNull();
  });

  it("thins a stroke to points a step apart, keeps its end, and never sends too many", () => {
    const wiggle: Point[] = [[0.1, 0.1], [0.1001, 0.1], [0.1002, 0.1], [0.2, 0.2], [0.2001, 0.2001]];
    expect(strokeFrom(wiggle, "green")!.points).toEqual([[0.1, 0.1], [0.2001, 0.2001]]);
    const long: Point[] = Array.from({ length: 3000 }, (_, i) => [i / 3000, 0.5]);
    const thinned = strokeFrom(long, "black", 0)!;
    expect(thinned.points.length).toBe(MARK_POINTS_MAX);
    expect(thinned.points[0]).toEqual([0, 0.5]);
    expect(thinned.points[MARK_POINTS_MAX - 1]).toEqual([2999 / 3000, 0.5]);
    expect(strokeFrom([[0.3, 0.3]], "red")).toBeNull();
  });

  it("points an arrow's head back along its line", () => {
    const [l, r] = arrowHead([0, 0], [10, 0], 2);
    expect(l[0]).toBeLessThan(10);
    expect(r[0]).toBeLessThan(10);
    expect(l[1]).toBeCloseTo(-r[1]);
  });
});
