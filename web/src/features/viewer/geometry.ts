// Where the picture sits on screen, and the conversion between screen
// pixels and picture fractions (what the API stores), under zoom and pan.

/** The picture drawn at `scale` with its top-left corner at (tx, ty) in the viewport. */
export interface View {
  scale: number;
  tx: number;
  ty: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 8;
/** A drag shorter than this (screen px) is a click: a pin, not an area. */
export const DRAG_THRESHOLD = 6;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The whole picture in the viewport, centred, never enlarged past 100 %. */
export function fit(viewport: Size, picture: Size, margin = 24): View {
  const w = Math.max(1, viewport.width - 2 * margin);
  const h = Math.max(1, viewport.height - 2 * margin);
  const scale = clamp(Math.min(w / picture.width, h / picture.height, 1), MIN_SCALE, MAX_SCALE);
  return centred(viewport, picture, scale);
}

/** The picture at `scale`, centred (top-aligned when taller than the viewport). */
export function centred(viewport: Size, picture: Size, scale: number): View {
  const tx = (viewport.width - picture.width * scale) / 2;
  const drawn = picture.height * scale;
  const ty = drawn > viewport.height ? 24 : (viewport.height - drawn) / 2;
  return { scale, tx, ty };
}

/** Screen point → fractions of the picture (may lie outside 0..1). */
export function toPicture(view: View, picture: Size, px: number, py: number) {
  return {
    x: (px - view.tx) / (picture.width * view.scale),
    y: (py - view.ty) / (picture.height * view.scale),
  };
}

/** Fractions of the picture → screen point. */
export function toScreen(view: View, picture: Size, x: number, y: number) {
  return { x: view.tx + x * picture.width * view.scale, y: view.ty + y * picture.height * view.scale };
}

/** Zoom by `factor` keeping the picture point under (px, py) where it is. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const scale = clamp(view.scale * factor, MIN_SCALE, MAX_SCALE);
  const k = scale / view.scale;
  return { scale, tx: px - (px - view.tx) * k, ty: py - (py - view.ty) * k };
}

export function pan(view: View, dx: number, dy: number): View {
  return { ...view, tx: view.tx + dx, ty: view.ty + dy };
}

export function inside(p: { x: number; y: number }): boolean {
  return p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1;
}

export interface Shape {
  x: number;
  y: number;
  w?: number;
  h?: number;
}

/**
 * What a press-drag-release on the picture marks: a pin for a click, an
 * area for a drag, clipped to the picture; null when it started off it.
 */
export function shapeFromDrag(view: View, picture: Size, from: { x: number; y: number },
  to: { x: number; y: number }): Shape | null {
  const a = toPicture(view, picture, from.x, from.y);
  if (!inside(a)) return null;
  if (Math.hypot(to.x - from.x, to.y - from.y) < DRAG_THRESHOLD) return { x: a.x, y: a.y };
  const b = toPicture(view, picture, to.x, to.y);
  const x0 = clamp(Math.min(a.x, b.x), 0, 1);
  const y0 = clamp(Math.min(a.y, b.y), 0, 1);
  const x1 = clamp(Math.max(a.x, b.x), 0, 1);
  const y1 = clamp(Math.max(a.y, b.y), 0, 1);
  if (x1 - x0 <= 0 || y1 - y0 <= 0) return { x: a.x, y: a.y };
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
