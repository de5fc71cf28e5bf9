// Two versions of a picture (or the same page of two versions of a deck):
// side by side, one over the other (faded in by a slider, or wiped across),
// or the newer one with what changed marked (worked out on the server).
import { useState } from "react";
import { ApiError, type Version } from "../../api/client";
import { isTransparent } from "./backdrop";
import { useChanges, type Changes } from "./changes";
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
  const [mode, setMode] = useState<"side" | "overlay" | "wipe" | "changes">("side");
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
          <button type="button" aria-pressed={mode === "wipe"} className={mode === "wipe" ? "on" : ""}
            onClick={() => setMode("wipe")}>Wipe</button>
          <button type="button" aria-pressed={mode === "changes"} className={mode === "changes" ? "on" : ""}
            onClick={() => setMode("changes")}>Changes</button>
        </div>
        {(mode === "overlay" || mode === "wipe") && (
          // Wipe: each label on its side of the divider; overlay: the
          // version shown at that end of the slider.
          <label className="slider">
            <span>v{mode === "wipe" ? left.number : right.number}</span>
            <input type="range" min={0} max={100} value={split}
              aria-label={mode === "overlay" ? "Overlay position" : "Wipe position"}
              onChange={(e) => setSplit(Number(e.target.value))} />
            <span>v{mode === "wipe" ? right.number : left.number}</span>
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
      ) : mode === "changes" ? (
        <ChangesView left={left} right={right} page={page?.number ?? 1} onImageError={onImageError} />
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
          {/* The older version on top: faded in, or shown up to the divider. */}
          <img key={src(left)} src={src(left)} alt={`Version ${left.number}`} className={look(left, "top")} onError={onImageError}
            style={mode === "overlay" ? { ...box(left), opacity: split / 100 } : { ...box(left), clipPath: `inset(0 ${wipe}% 0 0)` }} />
          {mode === "wipe" && <span className="divider" style={{ left: `${split}%` }} aria-hidden="true" />}
        </div>
      )}
    </div>
  );
}

const KIND_WORD = { changed: "Changed area", inserted: "New section" } as const;

function summary(c: Changes): string {
  const n = c.regions.length;
  const removed = c.removed.length;
  if (n === 0 && removed === 0) return "No visible changes.";
  const parts = [`${(c.changed_percent ?? 0).toLocaleString(undefined, { maximumFractionDigits: 1 })} % changed`];
  if (n > 0) parts.push(`${n} area${n === 1 ? "" : "s"}`);
  if (removed > 0) parts.push(`${removed} section${removed === 1 ? "" : "s"} removed`);
  return parts.join(" · ");
}

/** The newer version with each changed area boxed; a box zooms to it. */
function ChangesView({ left, right, page, onImageError }: {
  left: Version; right: Version; page: number; onImageError: () => void;
}) {
  const changes = useChanges(right.id, left.id, page);
  const [focus, setFocus] = useState<number | null>(null);
  const [difference, setDifference] = useState(false);
  if (changes.isPending) {
    return <p className="viewer-note" role="status"><span className="spinner" aria-hidden="true" /> Loading…</p>;
  }
  if (changes.isError) {
    const why = changes.error instanceof ApiError ? changes.error.message : "the server did not answer";
    return <p className="viewer-note" role="alert">These versions cannot be compared. {why}</p>;
  }
  const c = changes.data;
  if (c.state === "queued") {
    return <p className="viewer-note" role="status"><span className="spinner" aria-hidden="true" /> Finding what changed…</p>;
  }
  if (c.state === "failed") {
    return <p className="viewer-note" role="alert">These versions could not be compared: {c.failure}</p>;
  }
  const picture = difference && c.picture_url ? c.picture_url : src(right);
  const zoomed = focus !== null ? c.regions[focus] : undefined;
  return (
    <div className="changes">
      <div className="changes-bar">
        <p role="status">{summary(c)}</p>
        {c.picture_url && (
          <label className="toggle">
            <input type="checkbox" checked={difference} onChange={(e) => setDifference(e.target.checked)} />
            Difference picture
          </label>
        )}
        {c.regions.length > 0 && (
          <ol className="change-list" aria-label="Changed areas">
            {c.regions.map((r, i) => (
              <li key={i}>
                <button type="button" className={`link${focus === i ? " on" : ""}`} aria-pressed={focus === i}
                  onClick={() => setFocus(focus === i ? null : i)}>{i + 1}. {KIND_WORD[r.kind]}</button>
              </li>
            ))}
          </ol>
        )}
      </div>
      {zoomed ? (
        <Zoomed region={zoomed} width={c.width} height={c.height} src={picture} alt={`Version ${right.number}, area ${(focus ?? 0) + 1}`}
          onBack={() => setFocus(null)} onImageError={onImageError} />
      ) : (
        <div className="changes-picture" style={{ aspectRatio: `${c.width} / ${c.height}` }}>
          <img src={picture} alt={`Version ${right.number} with what changed since version ${left.number}`}
            className={look(right)} onError={onImageError} />
          {c.regions.map((r, i) => (
            <button key={i} type="button" className={`change-box ${r.kind}`} aria-label={`Zoom to ${KIND_WORD[r.kind].toLowerCase()} ${i + 1}`}
              style={{ left: `${r.x * 100}%`, top: `${r.y * 100}%`, width: `${r.w * 100}%`, height: `${r.h * 100}%` }}
              onClick={() => setFocus(i)} />
          ))}
          {c.removed.map((r, i) => (
            <span key={`removed-${i}`} className="change-removed" style={{ top: `${r.y * 100}%` }}
              title={`${r.height} px removed here`} aria-hidden="true" />
          ))}
        </div>
      )}
    </div>
  );
}

/** One area, enlarged to the frame's width with a margin around it. */
function Zoomed({ region, width, height, src: url, alt, onBack, onImageError }: {
  region: Changes["regions"][number]; width: number; height: number; src: string; alt: string;
  onBack: () => void; onImageError: () => void;
}) {
  const margin = 0.25;
  const x = Math.max(0, region.x - region.w * margin);
  const y = Math.max(0, region.y - region.h * margin);
  const w = Math.min(1 - x, region.w * (1 + 2 * margin));
  const h = Math.min(1 - y, region.h * (1 + 2 * margin));
  return (
    <figure className="changes-zoom">
      <div className="changes-zoom-frame" style={{ aspectRatio: `${w * width} / ${h * height}` }}>
        <img src={url} alt={alt} onError={onImageError}
          style={{ width: `${100 / w}%`, left: `${(-x / w) * 100}%`, top: `${(-y / h) * 100}%` }} />
        <span className={`change-box ${region.kind}`} aria-hidden="true"
          style={{ left: `${((region.x - x) / w) * 100}%`, top: `${((region.y - y) / h) * 100}%`,
            width: `${(region.w / w) * 100}%`, height: `${(region.h / h) * 100}%` }} />
      </div>
      <figcaption><button type="button" className="secondary" onClick={onBack}>Whole picture</button></figcaption>
    </figure>
  );
}
