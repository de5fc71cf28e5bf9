// "Export review record": a board (or one picture) as a PDF with the pins
// drawn, or as CSV; made on the server, its progress told live, then a
// download link.
import { useState } from "react";
import { useExport, useStartExport, type ExportFormat } from "../api/exports";
import { plural } from "../lib/words";
import { Dialog, ErrorNote, useSubmit } from "./ui/kit";

export function ExportRecord({ boardId, asset, onClose }: {
  boardId: string;
  /** One picture's record instead of the board's. */
  asset?: { id: string; title: string };
  onClose: () => void;
}) {
  const [format, setFormat] = useState<ExportFormat>("pdf");
  const [id, setId] = useState<string | null>(null);
  const start = useStartExport(boardId);
  const x = useExport(id).data;
  const { busy, error, run } = useSubmit(async () => {
    setId((await start.mutateAsync({ format, asset_id: asset?.id })).id);
  });
  const title = asset ? `Export “${asset.title}”` : "Export review record";
  return (
    <Dialog title={title} onClose={onClose}>
      {!x ? (
        <form onSubmit={run} className="export-record">
          <p className="hint">
            {asset ? "This picture" : "Every picture on the board"} with its numbered pins and areas, every thread with
            its comments, who decided what and when, and the share links used.
          </p>
          <fieldset>
            <legend>Format</legend>
            <label className="choice">
              <input type="radio" name="format" checked={format === "pdf"} onChange={() => setFormat("pdf")} />
              PDF, to read and hand over
            </label>
            <label className="choice">
              <input type="radio" name="format" checked={format === "csv"} onChange={() => setFormat("csv")} />
              CSV, one row per comment, decision and link
            </label>
          </fieldset>
          <ErrorNote error={error} />
          <div className="dialog-actions">
            <button type="button" className="secondary" onClick={onClose}>Cancel</button>
            <button type="submit" disabled={busy}>Export</button>
          </div>
        </form>
      ) : x.state === "ready" && x.download_url ? (
        <div className="export-record">
          <p role="status">Ready: {x.file_name} ({size(x.bytes)}).</p>
          <div className="dialog-actions">
            <a className="button primary" href={x.download_url} download={x.file_name}>Download</a>
          </div>
        </div>
      ) : x.state === "failed" ? (
        <p role="alert" className="error">The record could not be made: {x.failure}</p>
      ) : (
        <div className="export-record">
          <p role="status">
            <span className="spinner" aria-hidden="true" />{" "}
            {x.total > 0 ? `Laying out ${x.done} of ${plural(x.total, "picture")}…` : "Gathering the review…"}
          </p>
          {x.total > 0 && <progress max={x.total} value={x.done} aria-label="Export progress" />}
        </div>
      )}
    </Dialog>
  );
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
