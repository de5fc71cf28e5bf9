import { describe, expect, it } from "vitest";
import {
  bounded, centred, fit, fitWidth, initialMode, MARGIN, MAX_SCALE, nudge, NUDGE, pan, pinAtCentre, reveal, shapeFromDrag, toPicture, toScreen, wheelZoom,
  WHEEL_STEP, zoomAt,
} from "./geometry";

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

describe("long pages", () => {
  const capture = { width: 1440, height: 12_000 };

  it("a captured page opens at its width from the top; a landscape picture opens whole", () => {
    expect(initialMode(viewport, capture)).toBe("width");
    expect(initialMode(viewport, picture)).toBe("page");
    // A little taller than the screen is still shown whole.
    expect(initialMode(viewport, { width: 1000, height: 1100 })).toBe("page");
    const v = fitWidth(viewport, capture);
    expect(v.scale).toBeCloseTo((1000 - 2 * MARGIN) / 1440);
    expect(v.tx).toBeCloseTo(MARGIN);
    expect(v.ty).toBe(MARGIN);
  });

  it("panning cannot lose the picture off screen", () => {
    const v = fitWidth(viewport, capture);
    const far = bounded(pan(v, 5000, -1e6), viewport, capture);
    // Dragged right and past the bottom: the last screenful, edges kept.
    expect(far.tx).toBe(MARGIN);
    expect(far.ty).toBeCloseTo(viewport.height - capture.height * v.scale - MARGIN);
    const up = bounded(pan(v, 0, 9000), viewport, capture);
    expect(up.ty).toBe(MARGIN);
    // A small picture stays wholly inside.
    const small = { width: 100, height: 50 };
    const s = bounded(pan(centred(viewport, small, 1), -900, 900), viewport, small);
    expect(s.tx).toBe(MARGIN);
    expect(s.ty).toBe(viewport.height - 50 - MARGIN);
  });

  it("revealing a pin far down a page scrolls to it, zooming in from fit-to-page", () => {
    const whole = fit(viewport, capture);
    const v = reveal(whole, viewport, capture, { x: 0.5, y: 0.9 });
    expect(v.scale).toBeCloseTo(fitWidth(viewport, capture).scale);
    const at = toScreen(v, capture, 0.5, 0.9);
    expect(at.x).toBeGreaterThan(0);
    expect(at.x).toBeLessThan(viewport.width);
    expect(at.y).toBeCloseTo(viewport.height / 2);
    // Already in view: nothing moves.
    const top = fitWidth(viewport, capture);
    expect(reveal(top, viewport, capture, { x: 0.5, y: 0.01 })).toEqual(top);
  });

  it("revealing an area larger than the screen zooms out until it fits", () => {
    const v = reveal(centred(viewport, capture, 2), viewport, capture, { x: 0, y: 0.5, w: 1, h: 0.1 });
    const a = toScreen(v, capture, 0, 0.5);
    const b = toScreen(v, capture, 1, 0.6);
    expect(a.x).toBeGreaterThanOrEqual(0);
    expect(a.y).toBeGreaterThanOrEqual(0);
    expect(b.x).toBeLessThanOrEqual(viewport.width);
    expect(b.y).toBeLessThanOrEqual(viewport.height);
  });
});

describe("wheel zoom", () => {
  it("takes one fine step per mouse notch, in pixels, lines or pages", () => {
    expect(wheelZoom(-100)).toBeCloseTo(WHEEL_STEP);
    expect(wheelZoom(100)).toBeCloseTo(1 / WHEEL_STEP);
    expect(wheelZoom(-3, 1)).toBeCloseTo(WHEEL_STEP);
    expect(wheelZoom(1, 2)).toBeCloseTo(1 / WHEEL_STEP);
    // Five notches from 28 % reach 56 %, not 77 % after one.
    const five = [1, 2, 3, 4, 5].reduce((s) => s * wheelZoom(-100), 0.28);
    expect(five).toBeGreaterThan(0.5);
    expect(five).toBeLessThan(0.6);
  });

  it("follows a trackpad pinch's small deltas smoothly", () => {
    expect(wheelZoom(-5)).toBeCloseTo(Math.exp(0.05));
    expect(wheelZoom(2.5) * wheelZoom(-2.5)).toBeCloseTo(1);
    expect(wheelZoom(0)).toBe(1);
  });
});

describe("pins placed and moved with the keyboard", () => {
  const picture = { width: 1000, height: 4000 };
  const viewport = { width: 800, height: 600 };

  it("puts the pin in the middle of what is on screen", () => {
    // Zoomed to 100 %, scrolled 1000 px down the page.
    const view = { scale: 1, tx: -100, ty: -1000 };
    const pin = pinAtCentre(view, viewport, picture);
    expect(pin.x).toBeCloseTo(0.5);
    expect(pin.y).toBeCloseTo((1000 + 300) / 4000);
    expect(pin.w).toBeUndefined();
  });

  it("keeps a pin on the picture when its middle is off it", () => {
    const small = { scale: 0.1, tx: 500, ty: 10 };
    expect(pinAtCentre(small, viewport, picture)).toEqual({ x: 0, y: 0.725 });
  });

  it("moves a steady distance on screen at any zoom", () => {
    const pin = { x: 0.5, y: 0.5 };
    expect(nudge(pin, { scale: 1, tx: 0, ty: 0 }, picture, NUDGE, 0).x).toBeCloseTo(0.508);
    expect(nudge(pin, { scale: 2, tx: 0, ty: 0 }, picture, NUDGE, 0).x).toBeCloseTo(0.504);
    expect(nudge(pin, { scale: 1, tx: 0, ty: 0 }, picture, 0, -NUDGE * 5).y).toBeCloseTo(0.49);
  });

  it("never leaves the picture, and an area keeps its size", () => {
    const view = { scale: 1, tx: 0, ty: 0 };
    expect(nudge({ x: 0.999, y: 0 }, view, picture, 50, -50)).toEqual({ x: 1, y: 0 });
    const area = { x: 0.7, y: 0.2, w: 0.25, h: 0.1 };
    expect(nudge(area, view, picture, 200, 0)).toEqual({ x: 0.75, y: 0.2, w: 0.25, h: 0.1 });
  });
});
