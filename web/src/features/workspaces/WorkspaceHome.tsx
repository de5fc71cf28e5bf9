import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError, type Board, type Schemas, type Workspace } from "../../api/client";

/** A workspace's boards, filtered by name, and a form to add one. */
export function WorkspaceHome({ id }: { id: string }) {
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  const [boards, setBoards] = useState<Board[] | null>(null);
  const [filter, setFilter] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<Workspace>("GET", `/api/v1/workspaces/${id}`)
      .then(setWorkspace)
      .catch((e: ApiError) => setError(e.status === 404 ? "This workspace does not exist, or is not yours." : e.message));
  }, [id]);

  useEffect(() => {
    const q = filter ? `?q=${encodeURIComponent(filter)}` : "";
    api<Schemas["Page_BoardOut"]>("GET", `/api/v1/workspaces/${id}/boards${q}`)
      .then((page) => setBoards(page.items))
      .catch((e: ApiError) => setError(e.message));
  }, [id, filter]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const board = await api<Board>("POST", `/api/v1/workspaces/${id}/boards`, { name });
      setBoards((b) => [...(b ?? []), board].sort((x, y) => x.name.localeCompare(y.name)));
      setName("");
    } catch (err) {
      if (err instanceof ApiError) setError(err.field("name") ?? err.message);
      else throw err;
    }
  };

  return (
    <section>
      <h1>{workspace?.name ?? "Workspace"}</h1>
      {error && <p role="alert" className="error">{error}</p>}
      <label className="filter">
        Find a board
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {boards === null && !error && <p className="loading">Loading…</p>}
      {boards?.length === 0 && !filter && (
        <p className="empty">No boards yet. Create the first one and upload your designs to it.</p>
      )}
      <ul className="cards">
        {boards?.map((b) => (
          <li key={b.id} className="board">
            <strong>{b.name}</strong>
            <span className="meta">
              {b.asset_count} pictures · {b.open_thread_count} open threads · {b.role}
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={create} className="inline">
        <label>
          New board
          <input required maxLength={120} value={name} placeholder="e.g. Homepage redesign"
            onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">Create board</button>
      </form>
    </section>
  );
}
