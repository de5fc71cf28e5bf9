import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, ApiError, type Asset, type AssetDetail, type Board, type ReviewStatus, type Schemas,
  type Thread, type User, type Version } from "../../api/client";
import { LinkEnded, linkEnded } from "../../components/LinkEnded";
import { NotFound } from "../../components/NotFound";
import { Presence } from "../../components/Presence";
import { UploadList } from "../../components/UploadList";
import { ConfirmButton, Dialog, ErrorNote, Field, Link, useSubmit } from "../../components/ui/kit";
import { allAssets, STATUS_LABEL } from "../../lib/assets";
import { assetOf, threadOf } from "../../lib/events";
import { useBoardStream } from "../../lib/live";
import { href, navigate, signInHere } from "../../lib/router";
import { ACCEPTED_TYPES, UploadQueue, type Item } from "../../lib/uploads/queue";
import { browserTransport } from "../../lib/uploads/transport";
import { Canvas, type CanvasHandle } from "./Canvas";
import { Compare } from "./Compare";
import type { Shape } from "./geometry";
import type { Person } from "./mentions";
import { ThreadPanel, type Me } from "./ThreadPanel";
import "./viewer.css";

/** The guest id a share link gave this browser for a board (set by the guest page). */
export function guestIdFor(boardId: string): string | null {
  try {
    return window.localStorage.getItem(`critboard_guest:${boardId}`);
  } catch {
    return null;
  }
}

async function versionThreads(versionId: string) {
  const items: Thread[] = [];
  let previous: Thread[] = [];
  let cursor: string | null | undefined = null;
  do {
    const q: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
    const page: Schemas["VersionThreads"] = await api("GET", `/api/v1/versions/${versionId}/threads${q}`);
    items.push(...page.items);
    if (!cursor) previous = page.open_on_previous_version;
    cursor = page.next_cursor;
  } while (cursor);
  return { items, previous };
}

const param = (name: string) => new URLSearchParams(window.location.search).get(name);

function setParams(values: Record<string, string | null>) {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(values)) {
    if (v) url.searchParams.set(k, v);
    else url.searchParams.delete(k);
  }
  window.history.replaceState(null, "", url);
}

/** One picture: zoom and pan, pins and areas, threads, versions, review. */
export function AssetViewer({ id, signedIn }: { id: string; signedIn: boolean }) {
  const [asset, setAsset] = useState<AssetDetail | null>(null);
  const [board, setBoard] = useState<Board | null>(null);
  const [order, setOrder] = useState<Asset[]>([]);
  const [versionId, setVersionId] = useState<string | null>(param("v"));
  const [threads, setThreads] = useState<Thread[] | null>(null);
  const [previousOpen, setPreviousOpen] = useState<Thread[]>([]);
  const [selected, setSelected] = useState<string | null>(param("thread"));
  const [draft, setDraft] = useState<Shape | null>(null);
  const [showResolved, setShowResolved] = useState(false);
  const [commenting, setCommenting] = useState(true);
  const [comparing, setComparing] = useState<string | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const [user, setUser] = useState<User | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [scale, setScale] = useState(1);
  const [uploads, setUploads] = useState<Item[]>([]);
  const [help, setHelp] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const canvas = useRef<CanvasHandle>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // The picture on screen: answers for another one (fast j/k) are dropped.
  const current = useRef(id);
  current.current = id;
  const loaded = useRef(false);
  /** A failed refresh is a note; only a failed first load (or a 404) replaces the page. */
  const failed = useCallback((e: ApiError) => {
    if (!loaded.current || e.status === 404) setError(e);
    else setActionError(e);
  }, []);
  const loadAsset = useCallback(() =>
    api<AssetDetail>("GET", `/api/v1/assets/${id}`)
      .then((a) => {
        if (a.id !== current.current) return;
        loaded.current = true;
        setAsset(a);
      })
      .catch(failed), [id, failed]);

  useEffect(() => {
    loaded.current = false;
    setAsset(null);
    setThreads(null);
    setDraft(null);
    setComparing(null);
    setError(null);
    setVersionId(param("v"));
    setSelected(param("thread"));
    void loadAsset();
  }, [id, loadAsset]);

  // A thread opened from the inbox may be on another version.
  useEffect(() => {
    const t = param("thread");
    if (!t || param("v")) return;
    api<Thread>("GET", `/api/v1/threads/${t}`).then((th) => setVersionId(th.version_id)).catch(() => {});
  }, [id]);

  const boardId = asset?.board_id ?? null;
  useEffect(() => {
    if (!boardId) return;
    api<Board>("GET", `/api/v1/boards/${boardId}`).then(setBoard).catch(() => {});
    allAssets(boardId).then(setOrder).catch(() => {});
    // Everyone who can see the board; viewers may not comment and get a 403.
    api<Schemas["Page_MentionablePerson"]>("GET", `/api/v1/boards/${boardId}/people`)
      .then((p) => setPeople(p.items))
      .catch(() => {});
  }, [boardId]);

  useEffect(() => {
    if (signedIn) api<User>("GET", "/api/v1/me").then(setUser).catch(() => {});
  }, [signedIn]);

  const versions = asset?.versions ?? [];
  const version: Version | undefined = versions.find((v) => v.id === versionId) ?? versions[0];
  // Stay on the version being reviewed when someone uploads a newer one.
  useEffect(() => {
    if (version && versionId !== version.id) setVersionId(version.id);
  }, [version, versionId]);
  const newer = version && versions[0] && versions[0].id !== version.id ? versions[0] : null;

  const threadsFor = useRef<string | null>(null);
  const loadThreads = useCallback(() => {
    if (!version) return;
    const vid = version.id;
    threadsFor.current = vid;
    versionThreads(vid)
      .then(({ items, previous }) => {
        if (threadsFor.current !== vid) return;
        setThreads(items);
        setPreviousOpen(previous);
      })
      .catch(failed);
  }, [version?.id, failed]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    setThreads(null);
    setPreviousOpen([]);
    loadThreads();
  }, [loadThreads]);

  const viewers = useBoardStream(boardId, {
    onEvent: ({ event }) => {
      const thread = threadOf(event);
      const mine = assetOf(event) === id || (!!thread && !!threads?.some((t) => t.id === thread));
      if (!mine) return;
      // The picture itself changed (a version, its thumbnails, its review),
      // or its discussion did.
      if (thread) loadThreads();
      else void loadAsset();
    },
    onReset: () => {
      void loadAsset();
      loadThreads();
    },
  });

  // Signed links expire in long sessions: fetch fresh ones, at most once a minute.
  const lastImageRetry = useRef(0);
  const imageFailed = () => {
    if (Date.now() - lastImageRetry.current < 60_000) return;
    lastImageRetry.current = Date.now();
    void loadAsset();
  };
  const reload = useRef(loadAsset);
  reload.current = loadAsset;
  const queue = useMemo(() => boardId
    ? new UploadQueue(browserTransport(boardId), setUploads, (item) => {
      if (item.assetId !== current.current) return;
      void reload.current().then(() => {
        // Your own new version is the one you want to see.
        if (item.result?.upload.version_id) setVersionId(item.result.upload.version_id);
      });
    })
    : null, [boardId]);
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (queue?.active) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [queue]);

  const role = board?.role;
  const canComment = role === "commenter" || role === "editor" || role === "owner";
  const canEdit = role === "editor" || role === "owner";
  const canDeleteAny = role === "owner";
  const me: Me = { userId: user?.id ?? null, guestId: boardId ? guestIdFor(boardId) : null };

  const chooseVersion = (vid: string) => {
    setVersionId(vid);
    setSelected(null);
    setDraft(null);
    setParams({ v: vid === versions[0]?.id ? null : vid, thread: null });
  };
  const select = (tid: string | null) => {
    setSelected(tid);
    setDraft(null);
    setParams({ thread: tid });
  };
  const index = order.findIndex((a) => a.id === id);
  const step = (d: number) => {
    const next = order[index + d];
    if (next) navigate(href("asset", { id: next.id }));
  };

  // Keyboard shortcuts, except while typing.
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest("input, textarea, select, [role=dialog]") || e.metaKey || e.ctrlKey || e.altKey) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      switch (e.key) {
        case "ArrowRight": case "j": step(1); break;
        case "ArrowLeft": case "k": step(-1); break;
        case "c": case "C": if (canComment) setCommenting((c) => !c); break;
        case "+": case "=": canvas.current?.zoomBy(1.25); break;
        case "-": canvas.current?.zoomBy(0.8); break;
        case "0": canvas.current?.fit(); break;
        case "1": canvas.current?.actualSize(); break;
        case "?": setHelp(true); break;
        case "Escape":
          if (draft) setDraft(null);
          else if (comparing) setComparing(null);
          else if (selected) select(null);
          break;
        default: return;
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", key);
    return () => window.removeEventListener("keydown", key);
  });

  if (error) {
    const ended = linkEnded(error);
    if (ended && ended !== "unknown") return <LinkEnded why={ended} />;
    if (error.status === 404) {
      return (
        <NotFound signedIn={signedIn} title="This picture does not exist, or is not shared with you"
          detail="It may have been deleted, or you were removed from its board. Ask the board's owner to share it with you." />
      );
    }
    const msg = error.status === 401 ? "Sign in, or open the share link you were sent, to see this picture." : error;
    return <section className="viewer-error"><ErrorNote error={msg} /><Link to={error.status === 401 ? signInHere() : "/"}>{error.status === 401 ? "Sign in" : "Back to Critboard"}</Link></section>;
  }
  if (!asset || !version) return <p className="loading">Loading picture…</p>;

  const review = async (status: ReviewStatus) => {
    setActionError(null);
    try {
      await api("PUT", `/api/v1/versions/${version.id}/review`, { status });
      await loadAsset();
    } catch (e) {
      if (e instanceof ApiError) setActionError(e);
      else throw e;
    }
  };

  const createThread = async (body: string, key: string) => {
    if (!draft) return;
    const t = await api<Thread>("POST", `/api/v1/versions/${version.id}/threads`, { ...draft, body },
      { "idempotency-key": key });
    setThreads((list) => [...(list ?? []).filter((x) => x.id !== t.id), t].sort((a, b) => a.number - b.number));
    setDraft(null);
    select(t.id);
  };

  const visible = (threads ?? []).filter((t) => showResolved || t.state === "open" || t.id === selected);
  const left = comparing ? versions.find((v) => v.id === comparing) : undefined;

  return (
    <div className="viewer">
      <header className="viewer-bar">
        <Link to={href("board", { id: asset.board_id })} className="crumb">← {board?.name ?? "Board"}</Link>
        <div className="nav-assets">
          <button type="button" className="link" disabled={index <= 0} onClick={() => step(-1)}
            aria-label="Previous picture" title="Previous (←)">‹</button>
          <span>{index >= 0 ? `${index + 1} / ${order.length}` : ""}</span>
          <button type="button" className="link" disabled={index < 0 || index >= order.length - 1}
            onClick={() => step(1)} aria-label="Next picture" title="Next (→)">›</button>
        </div>
        <h1 title={asset.title}>{asset.title}</h1>
        <label className="version-pick">
          <span className="visually-hidden">Version</span>
          <select value={version.id} onChange={(e) => chooseVersion(e.target.value)} aria-label="Version">
            {versions.map((v) => (
              <option key={v.id} value={v.id}>Version {v.number}{v.id === versions[0].id ? " (latest)" : ""}</option>
            ))}
          </select>
        </label>
        {versions.length > 1 && !comparing && (
          <button type="button" className="secondary"
            onClick={() => setComparing(versions.find((v) => v.id !== version.id)!.id)}>Compare</button>
        )}
        {canEdit && (
          <>
            <button type="button" className="secondary" onClick={() => fileInput.current?.click()}>
              Upload new version
            </button>
            <input ref={fileInput} type="file" hidden accept={ACCEPTED_TYPES.join(",")} aria-label="New version file"
              onChange={(e) => { if (e.target.files?.[0]) queue?.add([e.target.files[0]], asset.id); e.target.value = ""; }} />
          </>
        )}
        {canEdit && (
          <>
            <button type="button" className="secondary" onClick={() => setRenaming(true)}>Rename</button>
            <ConfirmButton label="Delete" name="Delete picture" confirm="Delete picture"
              question="Delete this picture with all its versions and comments?"
              onConfirm={async () => {
                await api("DELETE", `/api/v1/assets/${asset.id}`);
                navigate(href("board", { id: asset.board_id }));
              }} />
          </>
        )}
        <span className="spacer" />
        <Presence viewers={viewers} />
      </header>
      <div className="review-bar">
        <span className={`badge ${version.review_status}`}>{STATUS_LABEL[version.review_status]}</span>
        {canEdit && (
          <div role="group" aria-label="Review status" className="segmented">
            <button type="button" aria-pressed={version.review_status === "changes_requested"}
              className={version.review_status === "changes_requested" ? "on" : ""}
              onClick={() => review("changes_requested")}>Request changes</button>
            <button type="button" aria-pressed={version.review_status === "approved"}
              className={version.review_status === "approved" ? "on" : ""}
              onClick={() => review("approved")}>Approve</button>
            {version.review_status !== "in_review" && (
              <button type="button" onClick={() => review("in_review")}>Back to review</button>
            )}
          </div>
        )}
        {!comparing && (
          <div className="zoom" role="group" aria-label="Zoom">
            {canComment && (
              <button type="button" aria-pressed={commenting} className={commenting ? "on" : ""}
                onClick={() => setCommenting((c) => !c)} title="Comment mode (C)">Comment</button>
            )}
            <button type="button" onClick={() => canvas.current?.zoomBy(0.8)} aria-label="Zoom out" title="Zoom out (−)">−</button>
            <span className="pct" aria-live="polite">{Math.round(scale * 100)}%</span>
            <button type="button" onClick={() => canvas.current?.zoomBy(1.25)} aria-label="Zoom in" title="Zoom in (+)">+</button>
            <button type="button" onClick={() => canvas.current?.fit()} title="Fit (0)">Fit</button>
            <button type="button" onClick={() => canvas.current?.actualSize()} title="Actual size (1)">100%</button>
            <button type="button" className="link" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts">?</button>
          </div>
        )}
      </div>
      <ErrorNote error={actionError} />
      {newer && (
        <p className="newer" role="status">
          Version {newer.number} was uploaded.{" "}
          <button type="button" className="link" onClick={() => chooseVersion(newer.id)}>Show it</button>
        </p>
      )}
      {uploads.length > 0 && queue && <UploadList items={uploads} queue={queue} />}
      <div className="viewer-body">
        {comparing && left ? (
          <Compare versions={versions} left={left} right={version} onLeft={setComparing}
            onClose={() => setComparing(null)} onImageError={imageFailed} />
        ) : version.state === "failed" ? (
          <p className="error viewer-note">This version could not be read{version.failure ? `: ${version.failure}` : ""}.</p>
        ) : (
          <Canvas ref={canvas} version={version} onImageError={imageFailed} threads={visible} selected={selected} draft={draft}
            commenting={canComment && commenting} onSelect={select} onScale={setScale}
            onDraft={(s) => { setDraft(s); setSelected(null); }} />
        )}
        <ThreadPanel threads={threads ?? []} previousOpen={previousOpen} selected={selected} draft={draft}
          showResolved={showResolved} people={people} me={me} canComment={canComment} canModerate={canEdit}
          canDeleteAny={canDeleteAny}
          onShowResolved={setShowResolved} onSelect={select} onCreate={createThread}
          onCancelDraft={() => setDraft(null)}
          onChanged={(t) => setThreads((list) => list?.map((x) => (x.id === t.id ? t : x)) ?? null)}
          onOpenPrevious={(t) => { chooseVersion(t.version_id); select(t.id); }} />
      </div>
      {renaming && (
        <RenameAsset asset={asset} onClose={() => setRenaming(false)}
          onDone={() => { setRenaming(false); void loadAsset(); }} />
      )}
      {help && (
        <Dialog title="Keyboard shortcuts" onClose={() => setHelp(false)}>
          <dl className="shortcuts">
            <dt>→ or J / ← or K</dt><dd>Next / previous picture</dd>
            <dt>C</dt><dd>Comment mode on or off (click to pin, drag for an area)</dd>
            <dt>Space + drag</dt><dd>Move the picture</dd>
            <dt>+ / −, Ctrl + wheel, pinch</dt><dd>Zoom</dd>
            <dt>0 / 1</dt><dd>Fit / actual size</dd>
            <dt>Ctrl + Enter</dt><dd>Post a comment</dd>
            <dt>Esc</dt><dd>Cancel the new pin, leave compare, close the thread</dd>
          </dl>
        </Dialog>
      )}
    </div>
  );
}

function RenameAsset({ asset, onClose, onDone }: { asset: AssetDetail; onClose: () => void; onDone: () => void }) {
  const [title, setTitle] = useState(asset.title);
  const { busy, error, run } = useSubmit(async () => {
    await api("PATCH", `/api/v1/assets/${asset.id}`, { title: title.trim() });
    onDone();
  });
  return (
    <Dialog title="Rename picture" onClose={onClose}>
      <form onSubmit={run}>
        <Field label="Title" error={error?.field("title")}>
          <input required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <ErrorNote error={error} fields={["title"]} />
        <div className="composer-actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={busy}>Save</button>
        </div>
      </form>
    </Dialog>
  );
}
