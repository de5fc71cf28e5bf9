// For instance admins: the errors Critboard recorded, grouped, and where
// this node's time goes. Anyone else is answered 404 by the API, and sees
// the app's "not found" page here.
import { useState } from "react";
import { apiError } from "../../api/client";
import { ago, ErrorNote, Link } from "../../components/ui/kit";
import { href } from "../../lib/router";
import { useErrorGroup, useErrorGroups, usePerformance, useSetErrorStatus, type ErrorGroup, type RouteFigures } from "./api";
import "./admin.css";

/** Statements above which a request is worth a look (a query per item). */
export const MANY_STATEMENTS = 100;

function Tabs({ at }: { at: "errors" | "performance" }) {
  return (
    <nav className="admin-tabs" aria-label="Admin">
      <Link to={href("admin_errors")} aria-current={at === "errors" ? "page" : undefined}>Errors</Link>
      <Link to={href("admin_performance")} aria-current={at === "performance" ? "page" : undefined}>Performance</Link>
    </nav>
  );
}

/** Where an error came from, in a few words. */
export function placeOf(g: Pick<ErrorGroup, "method" | "route" | "job_kind">): string {
  if (g.job_kind) return `job ${g.job_kind}`;
  return `${g.method} ${g.route}`.trim();
}

export function AdminErrors() {
  const [all, setAll] = useState(false);
  const list = useErrorGroups(all);
  const error = apiError(list.error);
  const items = list.data?.items;
  return (
    <section className="admin">
      <Tabs at="errors" />
      <header className="admin-head">
        <h1>Errors</h1>
        <label className="admin-filter">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          Also resolved and ignored
        </label>
        <button type="button" className="secondary" onClick={() => void list.refetch()}>Refresh</button>
      </header>
      {list.data && <p className="admin-note">This node runs release {list.data.release}.</p>}
      <ErrorNote error={error} />
      {!items && !error && <p className="loading">Loading…</p>}
      {items && items.length === 0 && (
        <p className="empty">No {all ? "" : "open "}errors. Server errors, panics and jobs that fail for good show up here.</p>
      )}
      {items && items.length > 0 && (
        <table className="admin-table">
          <thead>
            <tr><th>Error</th><th>Where</th><th className="admin-num">Count</th><th>Last seen</th><th>Status</th></tr>
          </thead>
          <tbody>
            {items.map((g) => (
              <tr key={g.id}>
                <td>
                  <Link to={href("admin_error", { id: g.id })}><strong>{g.kind}</strong></Link>
                  <span className="admin-message">{g.message}</span>
                </td>
                <td><code>{placeOf(g)}</code>{g.location && <span className="admin-muted">{g.location}</span>}</td>
                <td className="admin-num">{g.count}</td>
                <td title={g.last_seen}>{ago(g.last_seen)}</td>
                <td><span className={`admin-status admin-status-${g.status}`}>{g.status}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function AdminError({ id }: { id: string }) {
  const group = useErrorGroup(id);
  const change = useSetErrorStatus(id);
  const g = group.data;
  const error = apiError(group.error) ?? apiError(change.error);
  return (
    <section className="admin">
      <Tabs at="errors" />
      <p className="crumb"><Link to={href("admin_errors")}>← Errors</Link></p>
      <ErrorNote error={error} />
      {!g && !error && <p className="loading">Loading…</p>}
      {g && (
        <>
          <header className="admin-head">
            <h1>{g.kind} <span className="admin-muted">in {placeOf(g)}</span></h1>
            <span className={`admin-status admin-status-${g.status}`}>{g.status}</span>
          </header>
          <dl className="admin-facts">
            <dt>Message</dt><dd><code className="admin-block">{g.message}</code></dd>
            {g.location && (<><dt>Code</dt><dd><code>{g.location}</code></dd></>)}
            <dt>Seen</dt><dd>{g.count} times, first {ago(g.first_seen)} (release {g.first_release}), last {ago(g.last_seen)} (release {g.last_release})</dd>
            {g.resolved_release && g.status === "resolved" && (<><dt>Resolved in</dt><dd>{g.resolved_release}; it reopens if a later release brings it back</dd></>)}
          </dl>
          <div className="admin-actions">
            {g.status !== "resolved" && (
              <button type="button" disabled={change.isPending} onClick={() => change.mutate("resolved")}>Resolve</button>
            )}
            {g.status !== "ignored" && (
              <button type="button" className="secondary" disabled={change.isPending} onClick={() => change.mutate("ignored")}>Ignore</button>
            )}
            {g.status !== "open" && (
              <button type="button" className="secondary" disabled={change.isPending} onClick={() => change.mutate("open")}>Reopen</button>
            )}
          </div>
          <h2>Latest occurrences</h2>
          <p className="admin-note">Find a request's log lines by its <code>request_id</code>.</p>
          <table className="admin-table">
            <thead><tr><th>When</th><th>Request id</th><th>Release</th><th>Message</th></tr></thead>
            <tbody>
              {g.occurrences.map((o, i) => (
                <tr key={`${o.at}-${i}`}>
                  <td title={o.at}>{ago(o.at)}</td>
                  <td><code>{o.request_id || "—"}</code></td>
                  <td>{o.release}</td>
                  <td className="admin-message">{o.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

export function AdminPerformance() {
  const perf = usePerformance();
  const [open, setOpen] = useState<string | null>(null);
  const error = apiError(perf.error);
  const p = perf.data;
  const key = (r: RouteFigures) => `${r.method} ${r.route}`;
  return (
    <section className="admin">
      <Tabs at="performance" />
      <header className="admin-head">
        <h1>Performance</h1>
        <button type="button" className="secondary" onClick={() => void perf.refetch()}>Refresh</button>
      </header>
      {p && (
        <p className="admin-note">
          Node {p.node}, release {p.release}: the last {Math.round(p.window_seconds / 60)} minutes, up to 1,000
          requests per route, the most total time first.
        </p>
      )}
      <ErrorNote error={error} />
      {!p && !error && <p className="loading">Loading…</p>}
      {p && p.routes.length === 0 && <p className="empty">No requests yet.</p>}
      {p && p.routes.length > 0 && (
        <table className="admin-table">
          <thead>
            <tr>
              <th>Route</th><th className="admin-num">Requests</th><th className="admin-num">Total</th>
              <th className="admin-num">p50</th><th className="admin-num">p95</th><th className="admin-num">p99</th>
              <th className="admin-num">SQL statements (mean / max)</th><th className="admin-num">In SQL</th>
            </tr>
          </thead>
          <tbody>
            {p.routes.map((r) => (
              <PerfRow key={key(r)} r={r} open={open === key(r)} onToggle={() => setOpen(open === key(r) ? null : key(r))} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PerfRow({ r, open, onToggle }: { r: RouteFigures; open: boolean; onToggle: () => void }) {
  const many = r.max_statements >= MANY_STATEMENTS;
  return (
    <>
      <tr className={many ? "admin-hot" : undefined}>
        <td>
          <button type="button" className="link" aria-expanded={open} onClick={onToggle}>
            <code>{r.method} {r.route}</code>
          </button>
        </td>
        <td className="admin-num">{r.count}</td>
        <td className="admin-num">{ms(r.total_ms)}</td>
        <td className="admin-num">{ms(r.p50_ms)}</td>
        <td className="admin-num">{ms(r.p95_ms)}</td>
        <td className="admin-num">{ms(r.p99_ms)}</td>
        <td className="admin-num">
          {r.mean_statements.toFixed(1)} / {r.max_statements}
          {many && <span className="admin-flag" title="A query per item? Look at the slowest requests' logs.">many</span>}
        </td>
        <td className="admin-num">{Math.round(r.sql_share * 100)}%</td>
      </tr>
      {open && (
        <tr className="admin-detail">
          <td colSpan={8}>
            <strong>Slowest requests</strong>
            <ul>
              {r.slowest.map((s) => (
                <li key={s.request_id}>
                  <code>{s.request_id}</code> {ms(s.ms)}, {s.statements} {s.statements === 1 ? "statement" : "statements"} ({ms(s.sql_ms)} in SQL), {s.status},{" "}
                  {s.age_seconds < 60 ? "just now" : `${Math.round(s.age_seconds / 60)} min ago`}
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}
