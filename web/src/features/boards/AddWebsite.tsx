// "Add website": a page's address and the widths to capture it at. Each
// width becomes its own asset, captured in the background.
import { useRef, useState } from "react";
import { DEFAULT_WIDTHS, MAX_WIDTH, MAX_WIDTHS, MIN_WIDTH, useCreateCaptures } from "../../api/captures";
import { Dialog, ErrorNote, Field, useSubmit } from "../../components/ui/kit";
import { newKey } from "../../lib/idempotency";

const PRESETS: { width: number; label: string }[] = [
  { width: 1440, label: "Desktop (1440 px)" },
  { width: 768, label: "Tablet (768 px)" },
  { width: 390, label: "Mobile (390 px)" },
];

/** The widths chosen: the presets ticked and a valid other width, each once. */
export function chosenWidths(ticked: number[], other: string): number[] {
  const out = [...ticked];
  const n = Number(other.trim());
  if (other.trim() && Number.isInteger(n) && !out.includes(n)) out.push(n);
  return out;
}

/** What is wrong with the widths before asking the server, if anything. */
export function widthProblem(ticked: number[], other: string): string | null {
  const o = other.trim();
  if (o) {
    const n = Number(o);
    if (!Number.isInteger(n) || n < MIN_WIDTH || n > MAX_WIDTH) {
      return `Give a whole number of pixels from ${MIN_WIDTH} to ${MAX_WIDTH}.`;
    }
  }
  const all = chosenWidths(ticked, other);
  if (all.length === 0) return "Choose at least one width.";
  if (all.length > MAX_WIDTHS) return `Choose at most ${MAX_WIDTHS} widths.`;
  return null;
}

export function AddWebsite({ boardId, canCapture, onClose }: {
  boardId: string; canCapture: boolean; onClose: () => void;
}) {
  const [url, setUrl] = useState("");
  const [ticked, setTicked] = useState<number[]>(DEFAULT_WIDTHS);
  const [other, setOther] = useState("");
  const [local, setLocal] = useState<string | null>(null);
  // One key per dialog: a retried submit never captures twice.
  const key = useRef(newKey());
  const create = useCreateCaptures(boardId);
  const { busy, error, run } = useSubmit(async () => {
    const problem = widthProblem(ticked, other);
    setLocal(problem);
    if (problem) return;
    await create.mutateAsync({ url: url.trim(), widths: chosenWidths(ticked, other), key: key.current });
    onClose();
  });

  if (!canCapture) {
    return (
      <Dialog title="Add website" onClose={onClose}>
        <p>
          Website capture is not available on this server: it needs Chromium. Whoever runs Critboard can
          install the <code>chromium</code> package, or set <code>CRITBOARD_CHROMIUM</code> to a browser.
        </p>
        <div className="composer-actions">
          <button type="button" onClick={onClose}>Close</button>
        </div>
      </Dialog>
    );
  }
  const toggle = (w: number) => setTicked((t) => (t.includes(w) ? t.filter((x) => x !== w) : [...t, w]));
  return (
    <Dialog title="Add website" onClose={onClose}>
      <form onSubmit={run} className="add-website">
        <p className="hint">
          Critboard opens the page in a browser of its own and captures all of it, top to bottom, once per width.
          Each width becomes a picture to review; “Re-capture” takes a new version later.
        </p>
        <Field label="Page address" error={error?.field("url")}>
          <input required inputMode="url" autoComplete="url" placeholder="https://example.com/pricing"
            maxLength={2048} value={url} onChange={(e) => setUrl(e.target.value)} />
        </Field>
        <fieldset>
          <legend>Widths</legend>
          {PRESETS.map((p) => (
            <label key={p.width} className="check">
              <input type="checkbox" checked={ticked.includes(p.width)} onChange={() => toggle(p.width)} />
              {p.label}
            </label>
          ))}
          <Field label="Other width (px)" error={error?.field("widths")}>
            <input type="number" min={MIN_WIDTH} max={MAX_WIDTH} step={1} value={other} inputMode="numeric"
              onChange={(e) => setOther(e.target.value)} />
          </Field>
        </fieldset>
        <ErrorNote error={local} />
        <ErrorNote error={error} fields={["url", "widths"]} />
        <div className="composer-actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={busy}>{busy ? "Adding…" : "Capture"}</button>
        </div>
      </form>
    </Dialog>
  );
}
