import { useQueryClient } from "@tanstack/react-query";
import { apiError, type Workspace } from "../../api/client";
import { keys } from "../../api/keys";
import { createWorkspace, useWorkspaces } from "./api";
import { href, navigate } from "../../lib/router";
import { CreateByName, ErrorNote, Link } from "../../components/ui/kit";
import "./workspaces.css";

/** "512 MB", "1.5 GB": a storage quota for people. */
export function formatBytes(n: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  const shown = i === 0 || v >= 10 ? Math.round(v).toString() : v.toFixed(1).replace(/\.0$/, "");
  return `${shown} ${units[i]}`;
}

/** "12 Mar 2025": when a workspace was started. */
function created(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

/** Workspaces by name, as people scan a list. */
export function byName(items: Workspace[]): Workspace[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Your workspaces, and a form to start one. */
export function Workspaces() {
  const qc = useQueryClient();
  const query = useWorkspaces();
  const items = query.data ? byName(query.data) : null;
  const error = apiError(query.error);

  return (
    <section className="ws">
      <h1>Workspaces</h1>
      <ErrorNote error={error} />
      {items === null && !error && <p className="loading">Loading…</p>}
      {items?.length === 0 && (
        <p className="empty">No workspace yet. Start one for your team below.</p>
      )}
      {items && items.length > 0 && (
        <ul className="ws-grid">
          {items.map((w) => (
            <li key={w.id} className="ws-card">
              <h2><Link to={href("workspace", { id: w.id })} className="ws-card-link">{w.name}</Link></h2>
              <p className="ws-meta">
                <span className="ws-role" title="Your role in this workspace">{w.role}</span>
                <span>Created {created(w.created_at)}</span>
                {w.storage_quota_bytes != null && (
                  <span>Storage limit {formatBytes(w.storage_quota_bytes)}</span>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      <CreateByName label="New workspace" button="Create workspace" placeholder="e.g. Studio North"
        create={async (name) => {
          const ws = await createWorkspace(name);
          void qc.invalidateQueries({ queryKey: keys.workspaces });
          navigate(href("workspace", { id: ws.id }));
        }} />
    </section>
  );
}
