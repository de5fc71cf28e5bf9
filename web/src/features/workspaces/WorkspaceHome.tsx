// The workspace home (/w/{id}): folders on the left, the boards of the
// selected folder (or all, or the archived ones) as cards, search, and the
// forms to create, rename, move and archive — each shown only to those the
// API lets do it.
import {
  useCallback, useEffect, useId, useRef, useState,
  type KeyboardEvent as ReactKeyboardEvent, type MouseEvent, type ReactNode,
} from "react";
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { apiError, ApiError, type Board, type Folder, type Schemas, type Workspace } from "../../api/client";
import { keys } from "../../api/keys";
import {
  boardListKey, createBoard, createFolder, createSampleBoard, deleteFolder, patchBoard, renameFolder, renameWorkspace, useBoardList,
  useFolders, useWorkspace, type View,
} from "./api";
import { href, navigate } from "../../lib/router";
import { ago, CreateByName, Dialog, ErrorNote, Field, Link, useSubmit } from "../../components/ui/kit";
import { DeleteBoard, DeleteWorkspace } from "./Deletions";
import { plural } from "../../lib/words";
import "./workspaces.css";

type BoardPage = Schemas["Page_BoardOut"];
export type { View };

const UUID_RE = /^[0-9a-f-]{36}$/i;

/** The view a query string names: `?folder=<id>`, `?archived=true`, else all boards. */
export function viewFromSearch(search: string): View {
  const params = new URLSearchParams(search);
  const folder = params.get("folder");
  if (folder && UUID_RE.test(folder)) return { kind: "folder", id: folder };
  const archived = params.get("archived");
  if (archived === "true" || archived === "1") return { kind: "archived" };
  return { kind: "all" };
}

/** The app address of a view of workspace `ws`. */
export function viewHref(ws: string, view: View): string {
  if (view.kind === "folder") return href("workspace", { id: ws }, { folder: view.id });
  if (view.kind === "archived") return href("workspace", { id: ws }, { archived: "true" });
  return href("workspace", { id: ws });
}

/** Folders in display order: each top-level folder followed by its sub-folders. */
export function folderTree(folders: Folder[]): { folder: Folder; depth: number }[] {
  const byName = (a: Folder, b: Folder) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const ids = new Set(folders.map((f) => f.id));
  // A sub-folder whose parent is not in the list is shown at the top level.
  const top = folders.filter((f) => !f.parent_id || !ids.has(f.parent_id)).sort(byName);
  const out: { folder: Folder; depth: number }[] = [];
  for (const parent of top) {
    out.push({ folder: parent, depth: 0 });
    for (const child of folders.filter((f) => f.parent_id === parent.id).sort(byName)) {
      out.push({ folder: child, depth: 1 });
    }
  }
  return out;
}

/** The ids of a folder and of its sub-folders (deleting a folder deletes those too). */
export function folderAndChildren(folders: Folder[], id: string): Set<string> {
  return new Set([id, ...folders.filter((f) => f.parent_id === id).map((f) => f.id)]);
}

/** Whether a board belongs in a view's list (after an edit, say). */
export function belongsIn(board: Board, view: View, q: string): boolean {
  const query = q.trim().toLowerCase();
  if (query && !board.name.toLowerCase().includes(query)) return false;
  if (view.kind === "archived") return board.archived;
  if (board.archived) return false;
  return view.kind === "all" || board.folder_id === view.id;
}

/** The list after one board changed: updated in place, or gone when it left the view. */
export function applyBoardChange(items: Board[], board: Board, view: View, q: string): Board[] {
  if (!belongsIn(board, view, q)) return items.filter((b) => b.id !== board.id);
  return items.map((b) => (b.id === board.id ? board : b));
}

/** Appends a page, skipping boards already shown. */
export function mergePage(items: Board[], more: Board[]): Board[] {
  const seen = new Set(items.map((b) => b.id));
  return [...items, ...more.filter((b) => !seen.has(b.id))];
}

/** What the API lets the caller do with a board card (editors rename; owners move and archive). */
export function boardAbilities(board: Board) {
  return { rename: board.can.edit, manage: board.can.manage };
}

export function managesWorkspace(role: Workspace["role"] | undefined): boolean {
  return role === "owner" || role === "admin";
}

/** The message for a failed request: an ApiError, or a string for anything else. */
function asError(e: unknown): ApiError | string {
  if (e instanceof ApiError) return e;
  return e instanceof Error ? e.message : "Something went wrong.";
}

/** The current query string, following in-app navigation and Back/Forward. */
function useSearch(): string {
  const [search, setSearch] = useState(window.location.search);
  useEffect(() => {
    const update = () => setSearch(window.location.search);
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return search;
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * Focuses (and selects) a dialog's first field, or its safe button, once the dialog has opened:
 * the kit's Dialog focuses its first button, which is Close.
 */
function useFirstField<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const t = window.setTimeout(() => {
      ref.current?.focus();
      if (ref.current instanceof HTMLInputElement) ref.current.select();
    });
    return () => window.clearTimeout(t);
  }, []);
  return ref;
}

type Open =
  | { kind: "rename-board"; board: Board }
  | { kind: "move-board"; board: Board }
  | { kind: "rename-folder"; folder: Folder }
  | { kind: "delete-folder"; folder: Folder }
  | { kind: "delete-board"; board: Board }
  | { kind: "delete-workspace"; workspace: Workspace };

type Notice = { text: string; undo?: () => Promise<void> };

/** A workspace's folders and boards; another workspace starts afresh. */
export function WorkspaceHome({ id }: { id: string }) {
  return <Home key={id} id={id} />;
}

function Home({ id }: { id: string }) {
  const qc = useQueryClient();
  const view = viewFromSearch(useSearch());
  const wsQuery = useWorkspace(id);
  const workspace = wsQuery.data ?? null;
  const wsError = apiError(wsQuery.error);
  const foldersQuery = useFolders(id);
  const folders = foldersQuery.data ?? null;
  const foldersError = apiError(foldersQuery.error);
  const setFolders = (update: (all: Folder[] | undefined) => Folder[] | undefined) =>
    qc.setQueryData<Folder[]>(keys.folders(id), update);
  const [query, setQuery] = useState("");
  const q = useDebounced(query, 200);
  const listQuery = useBoardList(id, view, q);
  const pages = listQuery.data?.pages;
  const list = pages ? { items: pages.reduce<Board[]>((all, p) => mergePage(all, p.items), []) } : null;
  const listError = list ? null : apiError(listQuery.error);
  const loading = listQuery.isFetching;
  const [open, setOpen] = useState<Open | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const close = useCallback(() => setOpen(null), []);
  const reload = () => void listQuery.refetch();

  const more = useSubmit(async () => {
    await listQuery.fetchNextPage();
  });

  /** Updates the list shown for this view and search at once; the other views' lists ask again. */
  const changed = (board: Board) => {
    const shown = boardListKey(id, view, q);
    qc.setQueryData<InfiniteData<BoardPage>>(shown, (old) => old && {
      ...old,
      pages: old.pages.map((p) => ({ ...p, items: applyBoardChange(p.items, board, view, q) })),
    });
    void qc.invalidateQueries({
      queryKey: ["workspace", id, "boards"],
      predicate: (query) => JSON.stringify(query.queryKey) !== JSON.stringify(shown),
    });
  };

  const setArchived = async (board: Board, archived: boolean) => {
    setNotice(null);
    try {
      const updated = await patchBoard(board.id, { archived });
      changed(updated);
      setNotice({
        text: archived ? `“${updated.name}” is archived.` : `“${updated.name}” is back among the active boards.`,
        undo: async () => {
          changed(await patchBoard(board.id, { archived: !archived }));
          setNotice(null);
          reload();
        },
      });
    } catch (e) {
      const err = asError(e);
      setNotice({ text: typeof err === "string" ? err : err.message });
    }
  };

  if (wsError instanceof ApiError && wsError.status === 404) {
    return (
      <section className="wh">
        <p role="alert" className="error">This workspace does not exist, or is not yours.</p>
        <p><Link to="/">Back to your workspaces</Link></p>
      </section>
    );
  }

  const admin = managesWorkspace(workspace?.role);
  const folder = view.kind === "folder" ? folders?.find((f) => f.id === view.id) : undefined;
  const folderMissing = view.kind === "folder" && folders !== null && !folder;
  const folderName = (fid: string | null | undefined) =>
    (fid ? folders?.find((f) => f.id === fid)?.name : undefined);
  const heading = view.kind === "archived" ? "Archived" : view.kind === "folder"
    ? (folder?.name ?? (folderMissing ? "Folder not found" : "Folder")) : "All boards";
  const items = list?.items ?? null;
  const stale = listQuery.isPlaceholderData;

  return (
    <section className="wh">
      <WorkspaceHeader id={id} workspace={workspace} error={wsError}
        onRenamed={(w) => qc.setQueryData(keys.workspace(id), w)}
        onDelete={(w) => setOpen({ kind: "delete-workspace", workspace: w })} />

      <div className="wh-layout">
        <aside className="wh-side">
          <nav aria-label="Folders">
            <ul className="wh-nav">
              <li>
                <NavLink to={viewHref(id, { kind: "all" })} selected={view.kind === "all"}>All boards</NavLink>
              </li>
              {folders && folderTree(folders).map(({ folder: f, depth }) => (
                <li key={f.id} className={depth ? "wh-sub" : undefined}>
                  <NavLink to={viewHref(id, { kind: "folder", id: f.id })}
                    selected={view.kind === "folder" && view.id === f.id}>{f.name}</NavLink>
                </li>
              ))}
              <li className="wh-nav-end">
                <NavLink to={viewHref(id, { kind: "archived" })} selected={view.kind === "archived"}>Archived</NavLink>
              </li>
            </ul>
          </nav>
          {folders === null && !foldersError && <p className="loading">Loading folders…</p>}
          <ErrorNote error={foldersError} />
          {admin && (
            <div className="wh-new-folder">
              <CreateByName label="New folder" button="Create folder" placeholder="e.g. Marketing"
                create={async (name) => {
                  const f = await createFolder(id, name);
                  setFolders((all) => [...(all ?? []), f]);
                  navigate(viewHref(id, { kind: "folder", id: f.id }));
                }} />
            </div>
          )}
        </aside>

        <div className="wh-main">
          <div className="wh-main-head">
            <h2>{heading}</h2>
            {folder && admin && (
              <span className="wh-folder-actions">
                <button type="button" className="secondary small"
                  onClick={() => setOpen({ kind: "rename-folder", folder })}>Rename folder</button>
                <button type="button" className="danger small"
                  onClick={() => setOpen({ kind: "delete-folder", folder })}>Delete folder</button>
              </span>
            )}
          </div>

          {!folderMissing && <div className="wh-toolbar">
            <label className="wh-search">
              Find a board
              <input type="search" value={query} maxLength={120} placeholder="Board name"
                onChange={(e) => setQuery(e.target.value)} />
            </label>
            {workspace?.role !== "client" && view.kind !== "archived" && <div className="wh-create">
              <CreateByName label="New board" button="Create board" placeholder="e.g. Homepage redesign"
                create={async (name) => {
                  const folder_id = view.kind === "folder" ? view.id : null;
                  const b = await createBoard(id, name, folder_id);
                  void qc.invalidateQueries({ queryKey: ["workspace", id, "boards"] });
                  navigate(href("board", { id: b.id }));
                }} />
              <p className="hint">
                {folder ? <>Goes into <strong>{folder.name}</strong>.</>
                  : view.kind === "folder" ? "Goes into this folder." : "Goes to the top level of the workspace."}
              </p>
            </div>}
          </div>}

          {notice && (
            <p role="status" className="wh-notice">
              {notice.text}
              {notice.undo && <UndoButton undo={notice.undo} />}
              <button type="button" className="link" aria-label="Dismiss" onClick={() => setNotice(null)}>✕</button>
            </p>
          )}

          {folderMissing ? (
            <p role="alert" className="error">
              This folder does not exist any more. <Link to={viewHref(id, { kind: "all" })}>See all boards</Link>
            </p>
          ) : listError ? (
            <div role="alert" className="wh-list-error">
              <p className="error">
                {listError instanceof ApiError && listError.status === 404 && view.kind === "folder"
                  ? "This folder does not exist, or is not yours."
                  : typeof listError === "string" ? listError : listError.message}
              </p>
              <button type="button" className="secondary small" onClick={reload}>Try again</button>
            </div>
          ) : items === null ? (
            <p className="loading">Loading boards…</p>
          ) : items.length === 0 && !stale && view.kind === "all" && !q.trim() && workspace?.role !== "client" ? (
            <FirstSteps workspaceId={id} />
          ) : items.length === 0 && !stale ? (
            <p className="empty">{emptyText(view, q)}</p>
          ) : (
            <ul className="wh-grid" aria-busy={loading || stale} aria-label={`Boards: ${heading}`}>
              {items.map((b) => (
                <BoardCard key={b.id} board={b}
                  folderName={view.kind === "folder" ? undefined : folderName(b.folder_id)}
                  onRename={() => setOpen({ kind: "rename-board", board: b })}
                  onMove={() => setOpen({ kind: "move-board", board: b })}
                  onArchive={() => setArchived(b, !b.archived)}
                  onDelete={() => setOpen({ kind: "delete-board", board: b })} />
              ))}
            </ul>
          )}

          {listQuery.hasNextPage && !stale && !listError && (
            <div className="wh-more">
              <button type="button" className="secondary" disabled={more.busy} onClick={() => more.run()}>
                {more.busy ? "Loading…" : "Load more"}
              </button>
              <ErrorNote error={more.error} />
            </div>
          )}
        </div>
      </div>

      {open?.kind === "rename-board" && (
        <RenameBoard board={open.board} onClose={close} onDone={(b) => { changed(b); close(); }} />
      )}
      {open?.kind === "move-board" && (
        <MoveBoard board={open.board} folders={folders ?? []} onClose={close}
          onDone={(b) => {
            changed(b);
            close();
            const to = folderName(b.folder_id);
            setNotice({ text: to ? `“${b.name}” moved to ${to}.` : `“${b.name}” moved to the top level.` });
          }} />
      )}
      {open?.kind === "rename-folder" && (
        <RenameFolder folder={open.folder} onClose={close}
          onDone={(f) => {
            setFolders((all) => all?.map((x) => (x.id === f.id ? f : x)) ?? all);
            close();
          }} />
      )}
      {open?.kind === "delete-board" && (
        <DeleteBoard board={open.board} onClose={close}
          onDone={() => {
            close();
            setNotice({ text: `“${open.board.name}” is deleted.` });
            void qc.invalidateQueries({ queryKey: ["workspace", id, "boards"] });
          }} />
      )}
      {open?.kind === "delete-workspace" && (
        <DeleteWorkspace workspace={open.workspace} onClose={close}
          onDone={() => {
            qc.removeQueries({ queryKey: keys.workspace(id) });
            void qc.invalidateQueries({ queryKey: keys.workspaces });
            navigate(href("home"));
          }} />
      )}
      {open?.kind === "delete-folder" && folders && (
        <DeleteFolder folder={open.folder} folders={folders} onClose={close}
          onDone={() => {
            const gone = folderAndChildren(folders, open.folder.id);
            setFolders((all) => all?.filter((f) => !gone.has(f.id)) ?? all);
            close();
            setNotice({ text: `Folder “${open.folder.name}” is deleted; its boards are now at the top level.` });
            if (view.kind === "folder" && gone.has(view.id)) navigate(viewHref(id, { kind: "all" }));
            else reload();
          }} />
      )}
    </section>
  );
}

/** An entry of the folder list: an in-app link that marks the one shown. */
function NavLink({ to, selected, children }: { to: string; selected: boolean; children: ReactNode }) {
  const go = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    if (to !== window.location.pathname + window.location.search) navigate(to);
  };
  return (
    <a href={to} onClick={go} className={selected ? "wh-nav-item selected" : "wh-nav-item"}
      aria-current={selected ? "page" : undefined}>{children}</a>
  );
}

export function emptyText(view: View, q: string): string {
  if (q.trim()) return `No boards match “${q.trim()}”.`;
  if (view.kind === "archived") return "No archived boards. Archiving a board hides it from the lists without deleting anything.";
  if (view.kind === "folder") return "No boards in this folder yet. Create one here, or move a board in from its ⋯ menu.";
  return "No boards yet. Create the first one and upload your designs to it.";
}

/** A workspace with no board yet: what to do, in the order a review goes, or a sample board to try. */
export function FirstSteps({ workspaceId }: { workspaceId: string }) {
  const { busy, error, run } = useSubmit(async () => {
    const b = await createSampleBoard(workspaceId);
    navigate(href("board", { id: b.id }));
  });
  return (
    <section className="wh-first" aria-labelledby="wh-first-title">
      <h3 id="wh-first-title">Start your first review</h3>
      <ol>
        <li><strong>Create a board</strong> with “New board” above: one per project or client.</li>
        <li><strong>Drop your designs on it</strong>: PNG, JPEG, WebP or GIF pictures, a PDF or slide deck, or a
          website address to capture at desktop and phone widths.</li>
        <li><strong>Invite your client</strong> with “Share” on the board: a link lets them comment and approve
          without an account.</li>
      </ol>
      <p>
        Or <button type="button" className="link" disabled={busy} onClick={() => run()}>add a sample board</button>{" "}
        with two pages of a café’s website to try it on first.
      </p>
      <ErrorNote error={error} />
    </section>
  );
}

function UndoButton({ undo }: { undo: () => Promise<void> }) {
  const { busy, error, run } = useSubmit(undo);
  return (
    <>
      <button type="button" className="link" disabled={busy} onClick={() => run()}>Undo</button>
      {error && <span className="error"> {error.message}</span>}
    </>
  );
}

/** The workspace's name, renamed in place by its owners and admins. */
function WorkspaceHeader({ id, workspace, error, onRenamed, onDelete }: {
  id: string; workspace: Workspace | null; error: ApiError | string | null; onRenamed: (w: Workspace) => void;
  onDelete: (w: Workspace) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState("");
  const renameButton = useRef<HTMLButtonElement>(null);
  const { busy, error: saveError, setError, run } = useSubmit(async () => {
    const w = await renameWorkspace(id, name.trim());
    onRenamed(w);
    setEditing(false);
    window.setTimeout(() => renameButton.current?.focus());
  });
  const input = useRef<HTMLInputElement>(null);
  const cancel = useCallback(() => {
    setEditing(false);
    setError(null);
    window.setTimeout(() => renameButton.current?.focus());
  }, [setError]);
  // Esc cancels wherever focus is (a disabled Save button drops it to the page).
  useEffect(() => {
    if (!editing) return;
    const key = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !document.querySelector("[role=dialog]")) cancel();
    };
    window.addEventListener("keydown", key);
    return () => window.removeEventListener("keydown", key);
  }, [editing, cancel]);
  // Into the field when renaming starts, and back to it after a refused name.
  useEffect(() => {
    if (editing || saveError) input.current?.focus();
  }, [editing, saveError]);

  if (error) {
    return (
      <header className="wh-head">
        <h1>Workspace</h1>
        <ErrorNote error={error} />
      </header>
    );
  }
  if (!workspace) {
    return <header className="wh-head"><h1 className="wh-placeholder">Loading…</h1></header>;
  }
  if (editing) {
    return (
      <header className="wh-head">
        <form className="inline wh-rename" onSubmit={run}>
          <Field label="Workspace name" error={saveError?.field("name") ?? saveError?.message}>
            <input ref={input} required maxLength={120} value={name}
              onChange={(e) => setName(e.target.value)} />
          </Field>
          <button type="submit" disabled={busy}>Save</button>
          <button type="button" className="secondary" onClick={cancel}>Cancel</button>
        </form>
      </header>
    );
  }
  return (
    <header className="wh-head">
      <p className="wh-crumb"><Link to="/">Workspaces</Link></p>
      <div className="wh-title">
        <h1>{workspace.name}</h1>
        {managesWorkspace(workspace.role) && (
          <button ref={renameButton} type="button" className="link" aria-label="Rename workspace"
            title="Rename workspace" onClick={() => { setName(workspace.name); setEditing(true); }}>
            Rename
          </button>
        )}
        <span className="wh-role" title="Your role in this workspace">{workspace.role}</span>
        {workspace.role !== "client" && (
          <Link to={href("workspace_people", { id: workspace.id })} className="wh-people">People</Link>
        )}
        {workspace.role === "owner" && (
          <button type="button" className="link danger-link" onClick={() => onDelete(workspace)}>Delete workspace</button>
        )}
      </div>
    </header>
  );
}

/** One board as a card; the whole card opens the board. */
function BoardCard({ board, folderName, onRename, onMove, onArchive, onDelete }: {
  board: Board; folderName?: string; onRename: () => void; onMove: () => void; onArchive: () => void;
  onDelete: () => void;
}) {
  const can = boardAbilities(board);
  const actions: MenuAction[] = [];
  if (can.rename) actions.push({ label: "Rename", run: onRename });
  if (can.manage) {
    actions.push({ label: "Move to folder", run: onMove });
    actions.push({ label: board.archived ? "Unarchive" : "Archive", run: onArchive });
    actions.push({ label: "Delete…", run: onDelete });
  }
  return (
    <li className="wh-card">
      <div className={`wh-cover${board.cover_url ? "" : " empty"}`} aria-hidden="true">
        {board.cover_url && <img src={board.cover_url} alt="" loading="lazy" />}
      </div>
      <div className="wh-card-head">
        <h3><Link to={href("board", { id: board.id })} className="wh-card-link">{board.name}</Link></h3>
        {actions.length > 0 && <ActionMenu label={`Board actions for ${board.name}`} actions={actions} />}
      </div>
      {board.description && <p className="wh-desc" title={board.description}>{board.description}</p>}
      <p className="wh-stats">
        <span>{board.asset_count === 0 ? "No pictures yet" : plural(board.asset_count, "picture")}</span>
        {board.open_thread_count > 0 && <span>{plural(board.open_thread_count, "open thread")}</span>}
      </p>
      {board.asset_count > 0 && (
        <p className="wh-review">
          <span className={board.approved_count ? "wh-ok" : undefined}>{board.approved_count} approved</span>
          {" / "}
          <span className={board.changes_requested_count ? "wh-changes" : undefined}>
            {board.changes_requested_count} changes requested
          </span>
        </p>
      )}
      <p className="wh-card-foot">
        <span className="wh-role" title="Your role on this board">{board.role}</span>
        {folderName && <span className="wh-chip" title="Folder">{folderName}</span>}
        {board.archived && board.archived_at && <span>Archived {ago(board.archived_at)}</span>}
      </p>
    </li>
  );
}

type MenuAction = { label: string; run: () => void };

/** A "⋯" button with a small menu: arrow keys move, Esc closes, focus returns to the button. */
function ActionMenu({ label, actions }: { label: string; actions: MenuAction[] }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const outside = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!menu.current?.contains(t) && !button.current?.contains(t)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);

  const shut = () => {
    setOpen(false);
    button.current?.focus();
  };
  const keys = (e: ReactKeyboardEvent) => {
    const items = Array.from(menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? []);
    const at = items.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (e.key === "ArrowDown") go(at + 1);
    else if (e.key === "ArrowUp") go(at - 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(items.length - 1);
    else if (e.key === "Escape") shut();
    else if (e.key === "Tab") { setOpen(false); return; }
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="wh-menu-wrap">
      <button ref={button} type="button" className="wh-menu-button" aria-label={label} title="Board actions"
        aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>⋯</button>
      {open && (
        <div ref={menu} role="menu" aria-label={label} className="wh-menu" tabIndex={-1} onKeyDown={keys}>
          {actions.map((a) => (
            <button key={a.label} type="button" role="menuitem" tabIndex={-1}
              onClick={() => { shut(); a.run(); }}>{a.label}</button>
          ))}
        </div>
      )}
    </div>
  );
}

function RenameBoard({ board, onClose, onDone }: {
  board: Board; onClose: () => void; onDone: (b: Board) => void;
}) {
  const [name, setName] = useState(board.name);
  const [description, setDescription] = useState(board.description);
  const first = useFirstField<HTMLInputElement>();
  const { busy, error, run } = useSubmit(async () => {
    onDone(await patchBoard(board.id, { name: name.trim(), description }));
  });
  return (
    <Dialog title="Rename board" onClose={onClose}>
      <form onSubmit={run}>
        <Field label="Board name" error={error?.field("name")}>
          <input ref={first} required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Description" error={error?.field("description")} hint="Optional; shown on the card.">
          <textarea rows={3} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <ErrorNote error={error} fields={["name", "description"]} />
        <div className="wh-dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={busy}>Save</button>
        </div>
      </form>
    </Dialog>
  );
}

function MoveBoard({ board, folders, onClose, onDone }: {
  board: Board; folders: Folder[]; onClose: () => void; onDone: (b: Board) => void;
}) {
  const [target, setTarget] = useState(board.folder_id ?? "");
  const selectId = useId();
  const first = useFirstField<HTMLSelectElement>();
  const { busy, error, run } = useSubmit(async () => {
    if (target === (board.folder_id ?? "")) return onClose();
    onDone(await patchBoard(board.id, { folder_id: target || null }));
  });
  return (
    <Dialog title={`Move “${board.name}”`} onClose={onClose}>
      <form onSubmit={run}>
        <label htmlFor={selectId}>Move to</label>
        <select ref={first} id={selectId} value={target} onChange={(e) => setTarget(e.target.value)} className="wh-select"
          aria-describedby={`${selectId}-hint`}>
          <option value="">No folder</option>
          {folderTree(folders).map(({ folder, depth }) => (
            <option key={folder.id} value={folder.id}>{depth ? `\u2003${folder.name}` : folder.name}</option>
          ))}
        </select>
        {error?.field("folder_id")
          ? <span className="field-error">{error.field("folder_id")}</span>
          : <span className="hint" id={`${selectId}-hint`}>People with access to a folder see every board in it.</span>}
        <ErrorNote error={error} fields={["folder_id"]} />
        <div className="wh-dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={busy}>Move</button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameFolder({ folder, onClose, onDone }: {
  folder: Folder; onClose: () => void; onDone: (f: Folder) => void;
}) {
  const [name, setName] = useState(folder.name);
  const first = useFirstField<HTMLInputElement>();
  const { busy, error, run } = useSubmit(async () => {
    onDone(await renameFolder(folder.id, name.trim()));
  });
  return (
    <Dialog title="Rename folder" onClose={onClose}>
      <form onSubmit={run}>
        <Field label="Folder name" error={error?.field("name")}>
          <input ref={first} required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <ErrorNote error={error} fields={["name"]} />
        <div className="wh-dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={busy}>Save</button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteFolder({ folder, folders, onClose, onDone }: {
  folder: Folder; folders: Folder[]; onClose: () => void; onDone: () => void;
}) {
  const subs = folders.filter((f) => f.parent_id === folder.id);
  const cancel = useFirstField<HTMLButtonElement>();
  const { busy, error, run } = useSubmit(async () => {
    await deleteFolder(folder.id);
    onDone();
  });
  return (
    <Dialog title={`Delete folder “${folder.name}”?`} onClose={onClose}>
      <form onSubmit={run}>
        <p>
          {subs.length > 0 && <>Its {plural(subs.length, "sub-folder")} ({subs.map((s) => s.name).join(", ")}) {subs.length === 1 ? "goes" : "go"} too. </>}
          No board is deleted: {subs.length > 0 ? "their" : "its"} boards move to the top level of the workspace
          and keep their own members. People who could see them only through this folder lose access.
        </p>
        <ErrorNote error={error} />
        <div className="wh-dialog-actions">
          <button ref={cancel} type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" className="danger" disabled={busy}>Delete folder</button>
        </div>
      </form>
    </Dialog>
  );
}
