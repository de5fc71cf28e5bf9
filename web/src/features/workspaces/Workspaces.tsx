import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError, type Schemas, type Workspace } from "../../api/client";
import { navigate } from "../../lib/router";

/** Your workspaces, and a form to start one. */
export function Workspaces() {
  const [items, setItems] = useState<Workspace[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");

  useEffect(() => {
    api<Schemas["Page_WorkspaceOut"]>("GET", "/api/v1/workspaces")
      .then((page) => setItems(page.items))
      .catch((e: ApiError) => setError(e.message));
  }, []);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const ws = await api<Workspace>("POST", "/api/v1/workspaces", { name });
      navigate(`/w/${ws.id}`);
    } catch (err) {
      if (err instanceof ApiError) setError(err.field("name") ?? err.message);
      else throw err;
    }
  };

  return (
    <section>
      <h1>Workspaces</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {items === null && !error && <p className="loading">Loading…</p>}
      {items?.length === 0 && (
        <p className="empty">No workspace yet. Start one for your team below.</p>
      )}
      <ul className="cards">
        {items?.map((w) => (
          <li key={w.id}>
            <a href={`/w/${w.id}`} onClick={(e) => { e.preventDefault(); navigate(`/w/${w.id}`); }}>
              {w.name}
            </a>
          </li>
        ))}
      </ul>
      <form onSubmit={create} className="inline">
        <label>
          New workspace
          <input required maxLength={120} value={name} placeholder="e.g. Studio North"
            onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">Create workspace</button>
      </form>
    </section>
  );
}
