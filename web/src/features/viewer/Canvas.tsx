// The picture with its pins and areas: wheel/pinch/buttons zoom, drag or
// Space-drag pans, click pins, drag marks an area.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent as KeyEvent, type PointerEvent } from "react";
import type { Thread, Version } from "../../api/client";
import {
  bounded, centred, fitted, initialMode, nudge, NUDGE, pan, pinAtCentre, reveal, shapeFromDrag, toPicture, toScreen, wheelZoom,
  zoomAt, type FitMode, type Shape, type Size, type View,
} from "./geometry";
import { markFromDrag, strokeFrom, type Mark, type MarkColor, type MarkKind, type Point } from "./drawing";
import { Marks } from "./Marks";

export interface CanvasHandle {
  zoomBy(factor: number): void;
  /** The whole picture. */
  fit(): void;
  /** As wide as the viewport, from the top (long pages). */
  fitWidth(): void;
  actualSize(): void;
}

interface Props {
  version: Version;
  threads: Thread[];
  selected: string | null;
  draft: Shape | null;
  /** Drafts of the reviewer's review, shown only to them until it is submitted. */
  pending?: { id: string; shape: { x: number; y: number; w?: number | null; h?: number | null } }[];
  commenting: boolean;
  /** Enter on the focused picture pins a comment at the middle of the view. */
  canPin?: boolean;
  /** Behind transparent pixels. */
  backdrop?: Backdrop;
  /** A drawing tool in hand: drags draw marks instead of pins. */
  tool?: { kind: MarkKind; color: MarkColor } | null;
  /** Marks shown over the picture (the chosen thread's, and the ones being drawn). */
  marks?: Mark[];
  onMark?: (mark: Mark) => void;
  onSelect: (threadId: string) => void;
  /** A new pin or area; `byKeyboard` when placed or moved with keys (focus stays here). */
  onDraft: (shape: Shape, byKeyboard?: boolean) => void;
  /** Enter again on a pin placed with keys: on to writing the comment. */
  onWrite?: () => void;
  onScale: (scale: number) => void;
  /** How the picture is fitted now; null once zoomed or moved by hand. */
  onMode?: (mode: FitMode | null) => void;
  /** A signed link expired (long sessions): the parent fetches fresh ones. */
  onImageError: () => void;
  /** Where to start instead of fitted (a deck's page as it was left). */
  remembered?: Remembered;
  /** Told of every change of view, to be remembered. */
  onView?: (remembered: Remembered) => void;
}

export type Backdrop = "checker" | "dark" | "light";

/** A view and how it was made: fitted views refit to the window when restored. */
export interface Remembered {
  view: View;
  mode: FitMode | null;
}

type Gesture =
  | { kind: "mark"; from: { x: number; y: number }; to: { x: number; y: number } }
  | { kind: "draw"; points: Point[] }
  | { kind: "pan"; last: { x: number; y: number } }
  | { kind: "pinch"; distance: number };

export const Canvas = forwardRef<CanvasHandle, Props>(function Canvas(
  {
    version, threads, selected, draft, pending = [], commenting, canPin, backdrop, tool, marks = [], onMark, onSelect, onDraft, onWrite,
    onScale, onMode, onImageError, remembered, onView,
  }, ref,
) {
  const box = useRef<HTMLDivElement>(null);
  const picture: Size = { width: version.width || 1, height: version.height || 1 };
  const [viewport, setViewport] = useState<Size>({ width: 0, height: 0 });
  const [view, setViewState] = useState<View | null>(null);
  // Fitted views follow the window and the panels; a view zoomed or moved
  // by hand stays where it was put (kept on screen).
  const [mode, setMode] = useState<FitMode | null>(null);
  const viewportRef = useRef(viewport);
  viewportRef.current = viewport;
  // Handlers registered once (the wheel) must see the current picture.
  const pictureRef = useRef(picture);
  pictureRef.current = picture;
  /** A view chosen by hand: never lets the picture leave the screen. */
  const setView = (next: (v: View | null) => View | null) => {
    setMode(null);
    setViewState((v) => {
      const n = next(v);
      return n && bounded(n, viewportRef.current, pictureRef.current);
    });
  };
  const refit = (m: FitMode) => {
    setMode(m);
    setViewState(fitted(m, viewportRef.current, pictureRef.current));
  };
  // The gesture lives in a ref (pointer events outrun renders); the state
  // copy only draws the area being marked and the cursor.
  const gestureRef = useRef<Gesture | null>(null);
  const [gesture, setGestureState] = useState<Gesture | null>(null);
  const setGesture = (g: Gesture | null) => {
    gestureRef.current = g;
    setGestureState(g);
  };
  const [space, setSpace] = useState(false);
  const pointers = useRef(new Map<number, { x: number; y: number }>());

  // Keep the viewport size; fit the picture the first time it is known.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setViewport({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // A new version (or the first measure) starts fitted: a long page at
  // its width from the top, anything else whole.
  // A remembered view comes back as it was left (kept on screen).
  const start = useRef(remembered);
  useEffect(() => {
    if (!viewport.width) return;
    const was = start.current;
    start.current = undefined;
    if (was && !was.mode) {
      setMode(null);
      setViewState(bounded(was.view, viewport, picture));
    } else refit(was?.mode ?? initialMode(viewport, picture));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version.id, viewport.width > 0]);
  useEffect(() => {
    if (view) onView?.({ view, mode });
  }, [view, mode, onView]);
  // The window or the panels changed size.
  useEffect(() => {
    if (!viewport.width) return;
    if (mode) setViewState(fitted(mode, viewport, picture));
    else setViewState((v) => v && bounded(v, viewport, picture));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewport.width, viewport.height]);
  useEffect(() => {
    if (view) onScale(view.scale);
  }, [view, onScale]);
  useEffect(() => {
    onMode?.(mode);
  }, [mode, onMode]);

  // A thread chosen anywhere (the panel, a link, the inbox) is brought into
  // view and flashes; once per choice, when both it and the view are known.
  const [flash, setFlash] = useState<string | null>(null);
  const revealed = useRef<string | null>(null);
  const chosen = threads.find((t) => t.id === selected);
  useEffect(() => {
    if (!selected) revealed.current = null;
    if (!chosen || !view || revealed.current === chosen.id) return;
    revealed.current = chosen.id;
    setView((v) => v && reveal(v, viewportRef.current, picture, chosen.shape as Shape));
    setFlash(chosen.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected, chosen?.id, view !== null]);
  // The flash ends by itself, and at once when another thread (or none) is chosen.
  useEffect(() => {
    if (!flash) return;
    if (flash !== selected) {
      setFlash(null);
      return;
    }
    const t = window.setTimeout(() => setFlash(null), 1200);
    return () => window.clearTimeout(t);
  }, [flash, selected]);

  useImperativeHandle(ref, () => ({
    zoomBy: (f) => setView((v) => v && zoomAt(v, f, viewport.width / 2, viewport.height / 2)),
    fit: () => refit("page"),
    fitWidth: () => refit("width"),
    actualSize: () => setView(() => centred(viewport, picture, 1)),
  }));

  // Wheel: pinch on a trackpad (ctrl) or ctrl/⌘+wheel zooms, otherwise pans.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      setView((v) => {
        if (!v) return v;
        if (e.ctrlKey || e.metaKey) return zoomAt(v, wheelZoom(e.deltaY, e.deltaMode), e.clientX - r.left, e.clientY - r.top);
        return pan(v, -e.deltaX, -e.deltaY);
      });
    };
    el.addEventListener("wheel", wheel, { passive: false });
    return () => el.removeEventListener("wheel", wheel);
  }, []);

  // Hold Space to pan while commenting, as in design tools.
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.code === "Space" && !(e.target as HTMLElement).closest("input, textarea, select, [contenteditable], [role=dialog]")) {
        e.preventDefault();
        setSpace(true);
      }
    };
    const up = (e: KeyboardEvent) => e.code === "Space" && setSpace(false);
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
    };
  }, []);

  const local = (e: PointerEvent) => {
    const r = box.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const down = (e: PointerEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest(".pin, .area")) return;
    if (e.button === 2) return;
    box.current?.focus({ preventScroll: true });
    box.current?.setPointerCapture(e.pointerId);
    pointers.current.set(e.pointerId, local(e));
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      setGesture({ kind: "pinch", distance: Math.hypot(a.x - b.x, a.y - b.y) });
    } else if (tool && !space && e.button === 0 && view) {
      const p = toPicture(view, picture, local(e).x, local(e).y);
      setGesture({ kind: "draw", points: [[p.x, p.y]] });
    } else if (commenting && !space && e.button === 0) {
      setGesture({ kind: "mark", from: local(e), to: local(e) });
    } else {
      setGesture({ kind: "pan", last: local(e) });
    }
  };

  const move = (e: PointerEvent<HTMLDivElement>) => {
    if (!pointers.current.has(e.pointerId)) return;
    // A release the page never saw (e.g. over a context menu) ends the gesture.
    if (e.pointerType === "mouse" && e.buttons === 0) return cancel(e);
    const p = local(e);
    pointers.current.set(e.pointerId, p);
    const gesture = gestureRef.current;
    if (!gesture) return;
    if (gesture.kind === "pinch" && pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      const d = Math.hypot(a.x - b.x, a.y - b.y);
      setView((v) => v && zoomAt(v, d / gesture.distance, (a.x + b.x) / 2, (a.y + b.y) / 2));
      setGesture({ kind: "pinch", distance: d });
    } else if (gesture.kind === "pan") {
      setView((v) => v && pan(v, p.x - gesture.last.x, p.y - gesture.last.y));
      setGesture({ kind: "pan", last: p });
    } else if (gesture.kind === "mark") {
      setGesture({ ...gesture, to: p });
    } else if (gesture.kind === "draw" && view) {
      const f = toPicture(view, picture, p.x, p.y);
      setGesture({ kind: "draw", points: [...gesture.points, [f.x, f.y]] });
    }
  };

  const cancel = (e: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(e.pointerId);
    setGesture(null);
  };

  const up = (e: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(e.pointerId);
    const gesture = gestureRef.current;
    if (gesture?.kind === "mark" && view) {
      const shape = shapeFromDrag(view, picture, gesture.from, local(e));
      if (shape) onDraft(shape);
    }
    if (gesture?.kind === "draw" && tool) {
      const mark = drawn(tool, gesture.points);
      if (mark) onMark?.(mark);
    }
    setGesture(null);
  };

  // Keys on the focused picture: Enter pins at the middle of the view, the
  // arrows then move the pin (the window's arrows turn pictures otherwise).
  const keys = (e: KeyEvent<HTMLDivElement>) => {
    if (e.target !== box.current || !view || e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.key === "Enter" && canPin) {
      if (draft) onWrite?.();
      else onDraft(pinAtCentre(view, viewport, picture), true);
      e.preventDefault();
      return;
    }
    const arrow = ARROWS[e.key];
    if (arrow && draft) {
      const step = e.shiftKey ? NUDGE * 5 : NUDGE;
      onDraft(nudge(draft, view, picture, arrow[0] * step, arrow[1] * step), true);
      e.preventDefault();
    }
  };

  const dpr = typeof window === "undefined" ? 1 : window.devicePixelRatio || 1;
  const src = view && version.thumbnails.view && view.scale * picture.width * dpr <= version.thumbnails.view.width
    ? version.thumbnails.view.url
    : version.file_url;

  return (
    // The picture is one keyboard-operable region (zoom and pan keys, Space
    // to drag, Enter to pin); jsx-a11y does not count `application` as interactive.
    // eslint-disable-next-line jsx-a11y-x/no-noninteractive-element-interactions
    <div ref={box} className={`canvas${(commenting || tool) && !space ? " commenting" : ""}${gesture?.kind === "pan" ? " panning" : ""}`}
      onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={cancel} onKeyDown={keys}
      // eslint-disable-next-line jsx-a11y-x/no-noninteractive-tabindex
      onContextMenu={(e) => e.preventDefault()} tabIndex={0}
      role="application" aria-label={label(commenting, !!canPin, !!draft)}>
      {view && (
        <>
          <img className={`picture${backdrop ? ` backdrop-${backdrop}` : ""}`} src={src} alt={version.original_name} draggable={false}
            onError={onImageError}
            style={{ left: view.tx, top: view.ty, width: picture.width * view.scale, height: picture.height * view.scale }} />
          {threads.map((t) => (
            <Marker key={t.id} view={view} picture={picture} shape={t.shape} label={String(t.number)}
              className={`${t.state}${t.id === selected ? " selected" : ""}${t.id === flash ? " flash" : ""}`}
              onClick={() => onSelect(t.id)} title={`Thread ${t.number}`} />
          ))}
          <Marks marks={gesture?.kind === "draw" && tool ? [...marks, ...maybe(drawn(tool, gesture.points))] : marks}
            width={picture.width} height={picture.height}
            style={{ left: view.tx, top: view.ty, width: picture.width * view.scale, height: picture.height * view.scale }} />
          {pending.map((p) => <Marker key={p.id} view={view} picture={picture} shape={p.shape} label="✎" className="pending" />)}
          {draft && <Marker view={view} picture={picture} shape={draft} label="+" className="draft" />}
          {gesture?.kind === "mark" && (() => {
            const s = shapeFromDrag(view, picture, gesture.from, gesture.to);
            return s?.w ? <Marker view={view} picture={picture} shape={s} label="" className="draft" /> : null;
          })()}
        </>
      )}
    </div>
  );
});

/** The mark a drawing gesture made so far, if any. */
function drawn(tool: { kind: MarkKind; color: MarkColor }, points: Point[]): Mark | null {
  if (tool.kind === "pen") return strokeFrom(points, tool.color);
  return markFromDrag(tool.kind, tool.color, points[0], points[points.length - 1]);
}

const maybe = <T,>(v: T | null): T[] => (v ? [v] : []);

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
};

function label(commenting: boolean, canPin: boolean, placing: boolean): string {
  if (placing) return "Picture: arrow keys move the new pin, Enter to write the comment, Escape to drop it";
  const pin = canPin ? "; Enter pins a comment at the middle of the view" : "";
  return commenting ? `Picture: click to pin a comment, drag to mark an area${pin}` : `Picture${pin}`;
}

function Marker({ view, picture, shape, label, className, onClick, title }: {
  view: View; picture: Size; shape: { x: number; y: number; w?: number | null; h?: number | null };
  label: string; className: string; onClick?: () => void; title?: string;
}) {
  const at = toScreen(view, picture, shape.x, shape.y);
  const pin = onClick ? (
    <button type="button" className={`pin ${className}`} style={{ left: at.x, top: at.y }} onClick={onClick}
      aria-label={title}>{label}</button>
  ) : (
    <span className={`pin ${className}`} style={{ left: at.x, top: at.y }} aria-hidden="true">{label}</span>
  );
  if (shape.w && shape.h) {
    const end = toScreen(view, picture, shape.x + shape.w, shape.y + shape.h);
    return (
      <>
        <span className={`area ${className}`} aria-hidden="true"
          style={{ left: at.x, top: at.y, width: end.x - at.x, height: end.y - at.y }} />
        {label && pin}
      </>
    );
  }
  return pin;
}
