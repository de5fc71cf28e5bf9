// Marks drawn with a comment: arrows, rectangles, ellipses and freehand
// strokes, kept in fractions of the picture so they are drawn alike at any
// zoom, in the viewer and in compare.
import type { Schemas } from "../../api/client";

export type Mark = Schemas["Mark"];
export type MarkKind = Schemas["MarkKind"];
export type MarkColor = Schemas["MarkColor"];
export type Point = [number, number];

/** As the server allows (crates/domain/src/discussion.rs). */
export const MARKS_MAX = 20;
export const MARK_POINTS_MAX = 500;

export const COLORS: MarkColor[] = ["red", "orange", "green", "blue", "black"];
export const TOOLS: { kind: MarkKind; label: string }[] = [
  { kind: "arrow", label: "Arrow" },
  { kind: "rectangle", label: "Rectangle" },
  { kind: "ellipse", label: "Ellipse" },
  { kind: "pen", label: "Freehand" },
];

const clamp = (v: number) => Math.min(1, Math.max(0, v));
export const clampPoint = (p: Point): Point => [clamp(p[0]), clamp(p[1])];

/** The mark a drag makes, or null for a drag too short to mean anything (in fractions). */
export function markFromDrag(kind: Exclude<MarkKind, "pen">, color: MarkColor, from: Point, to: Point): Mark | null {
  const a = clampPoint(from);
  const b = clampPoint(to);
  if (Math.hypot(a[0] - b[0], a[1] - b[1]) < 0.002) return null;
  return { kind, color, points: [a, b] };
}

/**
 * A freehand stroke as sent: points at least `minStep` apart (fractions),
 * thinned evenly when still too many for the server.
 */
export function strokeFrom(points: Point[], color: MarkColor, minStep = 0.002): Mark | null {
  const kept: Point[] = [];
  for (const p of points.map(clampPoint)) {
    const last = kept[kept.length - 1];
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= minStep) kept.push(p);
  }
  // The stroke ends where the pen lifted, even within a step of the last point.
  const end = points.length ? clampPoint(points[points.length - 1]) : null;
  const last = kept[kept.length - 1];
  if (end && last && (last[0] !== end[0] || last[1] !== end[1])) {
    if (kept.length > 1) kept[kept.length - 1] = end;
    else kept.push(end);
  }
  if (kept.length < 2) return null;
  let out = kept;
  if (out.length > MARK_POINTS_MAX) {
    const step = (out.length - 1) / (MARK_POINTS_MAX - 1);
    out = Array.from({ length: MARK_POINTS_MAX }, (_, i) => kept[Math.round(i * step)]);
  }
  return { kind: "pen", color, points: out };
}

/** The two sides of an arrow's head at `to`, `size` long, in the same units as the points. */
export function arrowHead(from: Point, to: Point, size: number): [Point, Point] {
  const angle = Math.atan2(to[1] - from[1], to[0] - from[0]);
  const side = (turn: number): Point => [to[0] - size * Math.cos(angle + turn), to[1] - size * Math.sin(angle + turn)];
  return [side(Math.PI / 7), side(-Math.PI / 7)];
}

/** The next tool for the D key: arrow → rectangle → ellipse → freehand → none. */
export function nextTool(t: MarkKind | null): MarkKind | null {
  const i = t === null ? -1 : TOOLS.findIndex((x) => x.kind === t);
  return i + 1 < TOOLS.length ? TOOLS[i + 1].kind : null;
}
