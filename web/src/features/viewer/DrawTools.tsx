// The drawing tools: arrow, rectangle, ellipse, freehand, in a few
// colours; what is drawn goes with the next comment posted (a new pin, or
// a reply in the open thread).
import { useState } from "react";
import { COLORS, TOOLS, type MarkColor, type MarkKind } from "./drawing";

export function DrawTools({ tool, color, count, onTool, onColor, onUndo, onClear }: {
  tool: MarkKind | null; color: MarkColor; count: number;
  onTool: (kind: MarkKind | null) => void; onColor: (c: MarkColor) => void; onUndo: () => void; onClear: () => void;
}) {
  // On a phone the tools stay folded behind one button until wanted.
  const [open, setOpen] = useState(false);
  return (
    <div className={`draw-tools${open || tool ? " open" : ""}`} role="group" aria-label="Draw">
      <button type="button" className="draw-toggle" aria-expanded={open || !!tool}
        onClick={() => { if (open || tool) onTool(null); setOpen(!(open || tool)); }}>Draw</button>
      {TOOLS.map((t) => (
        <button key={t.kind} type="button" aria-pressed={tool === t.kind} className={tool === t.kind ? "on" : ""}
          onClick={() => onTool(tool === t.kind ? null : t.kind)} title={`Draw: ${t.label.toLowerCase()} (D cycles)`}>
          {t.label}
        </button>
      ))}
      {tool && COLORS.map((c) => (
        <button key={c} type="button" className={`swatch-button${color === c ? " on" : ""}`} aria-pressed={color === c}
          aria-label={`Colour: ${c}`} style={{ background: `var(--mark-${c})` }} onClick={() => onColor(c)} />
      ))}
      {count > 0 && (
        <>
          <button type="button" onClick={onUndo} title="Take back the last mark">Undo</button>
          <button type="button" onClick={onClear}>Clear</button>
        </>
      )}
    </div>
  );
}
