import { useState } from "react";
import { canRetry, type Item, type UploadQueue } from "../lib/uploads/queue";

const STATE_LABEL: Record<Item["state"], string> = {
  queued: "Waiting",
  uploading: "Uploading",
  finishing: "Checking",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** What a finished batch says of itself: "12 uploaded", "11 uploaded, 1 failed". */
export function uploadSummary(items: Item[]): string {
  const count = (state: Item["state"]) => items.filter((i) => i.state === state).length;
  const parts = [`${count("done")} uploaded`];
  if (count("failed")) parts.push(`${count("failed")} failed`);
  if (count("cancelled")) parts.push(`${count("cancelled")} cancelled`);
  return parts.join(", ");
}

/**
 * One line per file being sent, with its progress, cancel and retry; once
 * all are through, a summary, with only the files that need attention
 * still listed (the rest one click away).
 */
export function UploadList({ items, queue }: { items: Item[]; queue: UploadQueue }) {
  const active = items.some((i) => ["queued", "uploading", "finishing"].includes(i.state));
  const [all, setAll] = useState(false);
  const shown = active || all ? items : items.filter((i) => i.state !== "done");
  return (
    <section className="uploads" aria-label="Uploads">
      {!active && (
        <p className="uploads-summary" role="status">
          {uploadSummary(items)}
          {shown.length < items.length && (
            <button type="button" className="link" onClick={() => setAll(true)}>Show all</button>
          )}
        </p>
      )}
      <ul>
        {shown.map((i) => {
          const pct = i.file.size ? Math.round((i.sent / i.file.size) * 100) : 0;
          return (
            <li key={i.key} className={`upload ${i.state}`}>
              <span className="name">{i.file.name}</span>
              {i.state === "failed" || i.state === "cancelled" ? (
                <span aria-hidden="true" />
              ) : (
                <progress max={100} value={i.state === "done" ? 100 : pct} aria-label={`${i.file.name} upload progress`} />
              )}
              <span className="state">{i.state === "uploading" ? `${pct}%` : STATE_LABEL[i.state]}</span>
              {i.error && <span className="error">{i.error}</span>}
              {(i.state === "queued" || i.state === "uploading") && (
                <button type="button" className="link" onClick={() => queue.cancel(i.key)}
                  aria-label={`Cancel ${i.file.name}`}>Cancel</button>
              )}
              {canRetry(i) && (
                <button type="button" className="link" onClick={() => queue.retry(i.key)}
                  aria-label={`Retry ${i.file.name}`}>Retry</button>
              )}
            </li>
          );
        })}
      </ul>
      {!active && <button type="button" className="link" onClick={() => queue.clearFinished()}>Clear</button>}
    </section>
  );
}
