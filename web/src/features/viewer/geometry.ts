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

/** Room kept around the picture when it is fitted, and of it on screen when panned. */
export const MARGIN = 24;

/** The whole picture in the viewport, centred, never enlarged past 100 %. */
export function fit(viewport: Size, picture: Size, margin = MARGIN): View {
  const w = Math.max(1, viewport.width - 2 * margin);
  const h = Math.max(1, viewport.height - 2 * margin);
  const scale = clamp(Math.min(w / picture.width, h / picture.height, 1), MIN_SCALE, MAX_SCALE);
  return centred(viewport, picture, scale);
}

/** The picture as wide as the viewport (never enlarged past 100 %), from its top. */
export function fitWidth(viewport: Size, picture: Size, margin = MARGIN): View {
  const w = Math.max(1, viewport.width - 2 * margin);
  const scale = clamp(Math.min(w / picture.width, 1), MIN_SCALE, MAX_SCALE);
  return centred(viewport, picture, scale);
}

/** How a picture is fitted when the viewer opens it, or after the window changes size. */
export type FitMode = "width" | "page";

/**
 * A tall picture (a captured web page, a long screenshot) opens at its
 * width, scrolled to the top, since at fit-to-page its text would be
 * unreadable; anything else opens whole.
 */
export function initialMode(viewport: Size, picture: Size): FitMode {
  const byWidth = fitWidth(viewport, picture).scale;
  return picture.height * byWidth > 1.5 * viewport.height && byWidth > 1.5 * fit(viewport, picture).scale
    ? "width"
    : "page";
}

export function fitted(mode: FitMode, viewport: Size, picture: Size): View {
  return mode === "width" ? fitWidth(viewport, picture) : fit(viewport, picture);
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

/** A mouse wheel's notch zooms by this much: fine steps, as in design tools. */
export const WHEEL_STEP = 1.15;

/**
 * The zoom factor of one Ctrl/⌘+wheel event. A trackpad pinch sends many
 * small pixel deltas that follow the fingers; a mouse notch sends one large
 * delta (100 px, or 3 lines) that would jump ×2.7 if followed, so it makes
 * one fine step instead.
 */
export function wheelZoom(deltaY: number, deltaMode = 0): number {
  const px = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 800 : deltaY;
  if (Math.abs(px) < 40) return Math.exp(-px * 0.01);
  return px > 0 ? 1 / WHEEL_STEP : WHEEL_STEP;
}

export function pan(view: View, dx: number, dy: number): View {
  return { ...view, tx: view.tx + dx, ty: view.ty + dy };
}

/** One axis of {@link bounded}: where the picture's near edge may be. */
function boundAxis(t: number, drawn: number, room: number, margin: number): number {
  // Smaller than the viewport: it stays wholly inside. Larger: no gap
  // wider than the margin opens at either edge.
  if (drawn + 2 * margin <= room) return clamp(t, margin, room - drawn - margin);
  return clamp(t, room - drawn - margin, margin);
}

/** The view moved as little as needed for the picture to stay on screen (panning cannot lose it). */
export function bounded(view: View, viewport: Size, picture: Size, margin = MARGIN): View {
  if (!viewport.width || !viewport.height) return view;
  return {
    scale: view.scale,
    tx: boundAxis(view.tx, picture.width * view.scale, viewport.width, margin),
    ty: boundAxis(view.ty, picture.height * view.scale, viewport.height, margin),
  };
}

/**
 * The view that shows a pin or an area: unchanged when it is already well
 * inside the viewport, else centred on it, zoomed in to at least fit-width
 * (a pin on a long page seen whole is a dot) and out enough for an area to fit.
 */
export function reveal(view: View, viewport: Size, picture: Size, shape: Shape, margin = MARGIN * 2): View {
  const w = (shape.w ?? 0) * picture.width;
  const h = (shape.h ?? 0) * picture.height;
  const readable = fitWidth(viewport, picture).scale;
  let scale = Math.max(view.scale, readable);
  if (w * scale > viewport.width - 2 * margin || h * scale > viewport.height - 2 * margin) {
    scale = Math.min((viewport.width - 2 * margin) / Math.max(w, 1), (viewport.height - 2 * margin) / Math.max(h, 1));
  }
  scale = clamp(scale, MIN_SCALE, MAX_SCALE);
  const a = toScreen(view, picture, shape.x, shape.y);
  const b = toScreen(view, picture, shape.x + (shape.w ?? 0), shape.y + (shape.h ?? 0));
  const shown = a.x >= margin && a.y >= margin && b.x <= viewport.width - margin && b.y <= viewport.height - margin;
  if (shown && scale === view.scale) return view;
  const cx = (shape.x + (shape.w ?? 0) / 2) * picture.width * scale;
  const cy = (shape.y + (shape.h ?? 0) / 2) * picture.height * scale;
  return bounded({ scale, tx: viewport.width / 2 - cx, ty: viewport.height / 2 - cy }, viewport, picture, MARGIN);
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

/** A pin where the keyboard puts it: the middle of what is on screen. */
export function pinAtCentre(view: View, viewport: Size, picture: Size): Shape {
  const c = toPicture(view, picture, viewport.width / 2, viewport.height / 2);
  return { x: clamp(c.x, 0, 1), y: clamp(c.y, 0, 1) };
}

/** Screen pixels an arrow key moves a pin by (with Shift, five times as far). */
export const NUDGE = 8;

/**
 * A pin or area moved by arrow keys: a steady distance on screen whatever
 * the zoom, and never off the picture (an area keeps its size).
 */
export function nudge(shape: Shape, view: View, picture: Size, dx: number, dy: number): Shape {
  const fx = dx / (picture.width * view.scale);
  const fy = dy / (picture.height * view.scale);
  return {
    ...shape,
    x: clamp(shape.x + fx, 0, 1 - (shape.w ?? 0)),
    y: clamp(shape.y + fy, 0, 1 - (shape.h ?? 0)),
  };
}
