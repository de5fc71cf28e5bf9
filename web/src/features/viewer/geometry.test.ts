import { describe, expect, it } from "vitest";
import { centred, fit, MAX_SCALE, pan, shapeFromDrag, toPicture, toScreen, zoomAt } from "./geometry";

const viewport = { width: 1000, height: 800 };
const picture = { width: 2000, height: 1000 };

describe("pin geometry", () => {
  it("fits a large picture inside the viewport, centred", () => {
    const v = fit(viewport, picture, 0);
    expect(v.scale).toBe(0.5);
    expect(v.tx).toBe(0);
    expect(v.ty).toBe(150);
  });

  it("never enlarges a small picture when fitting", () => {
    expect(fit(viewport, { width: 100, height: 50 }).scale).toBe(1);
  });

  it("converts screen points to picture fractions and back under zoom and pan", () => {
    let v = fit(viewport, picture, 0);
    v = zoomAt(v, 3, 400, 300);
    v = pan(v, -120, 45);
    for (const [x, y] of [[0, 0], [1, 1], [0.25, 0.8], [0.5, 0.5]]) {
      const s = toScreen(v, picture, x, y);
      const p = toPicture(v, picture, s.x, s.y);
      expect(p.x).toBeCloseTo(x, 9);
      expect(p.y).toBeCloseTo(y, 9);
    }
  });

  it("keeps the point under the cursor still while zooming", () => {
    const v = fit(viewport, picture, 0);
    const before = toPicture(v, picture, 620, 410);
    const z = zoomAt(v, 2.5, 620, 410);
    const after = toPicture(z, picture, 620, 410);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
    expect(zoomAt(z, 1000, 0, 0).scale).toBe(MAX_SCALE);
  });

  it("a click is a pin where it landed, a drag is an area clipped to the picture", () => {
    const v = centred(viewport, picture, 0.5); // picture at (0,150)-(1000,650)
    expect(shapeFromDrag(v, picture, { x: 500, y: 400 }, { x: 502, y: 401 })).toEqual({ x: 0.5, y: 0.5 });
    const area = shapeFromDrag(v, picture, { x: 750, y: 525 }, { x: 250, y: 900 })!;
    expect(area.x).toBeCloseTo(0.25);
    expect(area.y).toBeCloseTo(0.75);
    expect(area.w).toBeCloseTo(0.5);
    expect(area.h).toBeCloseTo(0.25);
    expect(shapeFromDrag(v, picture, { x: 500, y: 100 }, { x: 600, y: 300 })).toBeNull();
  });
});
