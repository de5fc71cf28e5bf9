// Who decided on a version, and every decision before: "Approved by Cleo
// (guest) · 2 h ago", with the history one click away.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { client, data, type Version } from "../../api/client";
import { keys } from "../../api/keys";
import { ago } from "../../components/ui/kit";
import { decisionText, STATUS_LABEL, reviewerName } from "../../lib/assets";

export function Decision({ assetId, version }: { assetId: string; version: Version }) {
  const [open, setOpen] = useState(false);
  const text = decisionText(version.review_status, version.reviewer, version.reviewed_at, ago);
  const history = useQuery({
    queryKey: keys.decisions(assetId, version.id),
    queryFn: async () => (await data(client.GET("/api/v1/versions/{id}/decisions", {
      params: { path: { id: version.id } },
    }))).items,
    enabled: open,
  });
  if (!text) return null;
  return (
    <details className="decision" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary title="Every decision on this version">
        {version.reviewed_at
          ? <time dateTime={version.reviewed_at} title={new Date(version.reviewed_at).toLocaleString()}>{text}</time>
          : text}
      </summary>
      <div className="decision-history">
        <h3>Decisions on version {version.number}</h3>
        {history.isPending && <p className="loading">Loading…</p>}
        {history.error && <p role="alert" className="error">The history could not be loaded.</p>}
        {history.data && (
          <ol>
            {history.data.map((d) => (
              <li key={d.id}>
                <span className={`badge ${d.status}`}>{STATUS_LABEL[d.status]}</span>{" "}
                {reviewerName(d.name, d.role)}{" "}
                <time dateTime={d.created_at}>{new Date(d.created_at).toLocaleString()}</time>
              </li>
            ))}
          </ol>
        )}
      </div>
    </details>
  );
}
