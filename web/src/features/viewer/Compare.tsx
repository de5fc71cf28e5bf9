// Two versions of a picture (or the same page of two versions of a deck):
// side by side, or one over the other with a slider that wipes between them.
import { useState } from "react";
import type { Version } from "../../api/client";
import { isTransparent } from "./backdrop";
import type { Mark } from "./drawing";
import { Marks } from "./Marks";

const src = (v: Version) => v.thumbnails.view?.url ?? v.file_url;
// Transparent parts on a checkerboard: in overlay, the version underneath
// must not show through the one on top.
const look = (v: Version, extra = "") => [isTransparent(v) ? "backdrop-checker" : "", extra].filter(Boolean).join(" ") || undefined;

export function Compare({ versions, left, right, onLeft, onClose, onImageError, page, marks = {} }: {
  versions: Version[]; left: Version; right: Version; onLeft: (id: string) => void; onClose: () => void;
  onImageError: () => void;
  /** Marks to draw over a version's picture, by version id (the open thread's). */
  marks?: Record<string, Mark[]>;
  /** On a deck: the page compared, whether the left version lacks it, and
   *  whether either version's pages are still on their way. */
  page?: { number: number; missing: boolean; loading: boolean };
}) {
  const [mode, setMode] = useState<"side" | "overlay">("side");
  const [split, setSplit] = useState(50);
  // Both versions on one scale, top-left aligned: a taller or wider version
  // shows as such instead of being stretched to the other's shape.
  const width = Math.max(left.width, right.width) || 1;
  const height = Math.max(left.height, right.height) || 1;
  // The slider's position across the frame, as the left image's own inset.
  const share = left.width / width || 1;
  const wipe = Math.min(100, Math.max(0, 100 - split / share));
  const box = (v: Version) => ({ width: `${(v.width / width) * 100}%`, height: `${(v.height / height) * 100}%` });
  return (
    <div className="compare">
      <div className="compare-bar">
        <label>
          Compare with
          <select value={left.id} onChange={(e) => onLeft(e.target.value)}>
            {versions.filter((v) => v.id !== right.id).map((v) => (
              <option key={v.id} value={v.id}>Version {v.number}</option>
            ))}
          </select>
        </label>
        <div role="group" aria-label="Compare mode" className="segmented">
          <button type="button" aria-pressed={mode === "side"} className={mode === "side" ? "on" : ""}
            onClick={() => setMode("side")}>Side by side</button>
          <button type="button" aria-pressed={mode === "overlay"} className={mode === "overlay" ? "on" : ""}
            onClick={() => setMode("overlay")}>Overlay</button>
        </div>
        {mode === "overlay" && (
          <label className="slider">
            <span>v{left.number}</span>
            <input type="range" min={0} max={100} value={split} aria-label="Overlay position"
              onChange={(e) => setSplit(Number(e.target.value))} />
            <span>v{right.number}</span>
          </label>
        )}
        <button type="button" className="secondary" onClick={onClose}>Done comparing</button>
      </div>
      {page?.missing ? (
        <p className="viewer-note" role="status">
          Version {left.number} has no page {page.number} (it has {left.page_count}).
        </p>
      ) : page && left.state !== "ready" ? (
        <p className="viewer-note" role="status">Version {left.number} is not ready to compare.</p>
      ) : page?.loading ? (
        <p className="viewer-note" role="status"><span className="spinner" aria-hidden="true" /> Loading pages…</p>
      ) : mode === "side" ? (
        <div className="side-by-side">
          {[left, right].map((v) => (
            // Keyed by picture: another page never shows the last one while it loads.
            <figure key={src(v)}>
              <div className="compare-picture">
                <img src={src(v)} alt={`Version ${v.number}`} className={look(v)} onError={onImageError} />
                <Marks marks={marks[v.id] ?? []} width={v.width || 1} height={v.height || 1} />
              </div>
              <figcaption>Version {v.number}{page ? `, page ${page.number}` : ""} · {v.original_name}</figcaption>
            </figure>
          ))}
        </div>
      ) : (
        <div className="overlay" style={{ aspectRatio: `${width} / ${height}` }}>
          <img key={src(right)} src={src(right)} alt={`Version ${right.number}`} className={look(right)} style={box(right)}
            onError={onImageError} />
          <Marks marks={marks[right.id] ?? []} width={right.width || 1} height={right.height || 1}
            style={{ left: 0, top: 0, ...box(right) }} />
          <img key={src(left)} src={src(left)} alt={`Version ${left.number}`} className={look(left, "top")} onError={onImageError}
            style={{ ...box(left), clipPath: `inset(0 ${wipe}% 0 0)` }} />
          <span className="divider" style={{ left: `${split}%` }} aria-hidden="true" />
        </div>
      )}
    </div>
  );
}
