import { useEffect, useMemo, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { apiError, type Asset, type ReviewStatus } from "../../api/client";
import { upsertAsset, useAssets, useBoard, useLiveBoard } from "../../api/boards";
import { keys } from "../../api/keys";
import { changedLabel, decisionText, reviewerName, STATUS_LABEL } from "../../lib/assets";
import { dueLabel } from "../../lib/dates";
import { ReviewSettings } from "./ReviewSettings";
import { ago, ErrorNote, Link } from "../../components/ui/kit";
import { Presence } from "../../components/Presence";
import { UploadList } from "../../components/UploadList";
import { href, signInHere } from "../../lib/router";
import { browserTransport } from "../../lib/uploads/transport";
import { ACCEPT, UploadQueue, type Item } from "../../lib/uploads/queue";
import { LinkEnded, linkEnded } from "../../components/LinkEnded";
import { NotFound } from "../../components/NotFound";
import { useNotificationSettings, useSetMuted } from "./api";
import { ExportRecord } from "../../components/ExportRecord";
import { ShareDialog } from "./ShareDialog";
import { AddWebsite } from "./AddWebsite";
import { CAPTURE_STATE_LABEL, shortAddress, useRecapture, useRecaptureBoard, widthLabel } from "../../api/captures";
import { deckProgress, useRenderProgress } from "../../api/decks";
import { useFileDrop, usePastedFiles } from "../../lib/drops";
import { plural } from "../../lib/words";
import "./board.css";

type StatusFilter = ReviewStatus | "all";
const FILTERS: StatusFilter[] = ["all", "in_review", "changes_requested", "approved"];

function statusParam(): StatusFilter {
  const s = new URLSearchParams(window.location.search).get("status");
  return FILTERS.find((f) => f === s) ?? "all";
}

/** The board: its pictures as a grid, uploads, live changes and sharing. */
export function BoardPage({ id, signedIn }: { id: string; signedIn: boolean }) {
  const qc = useQueryClient();
  const boardQuery = useBoard(id);
  const assetsQuery = useAssets(id);
  const board = boardQuery.data;
  const assets = assetsQuery.data;
  const error = apiError(boardQuery.error ?? assetsQuery.error);
  // The filter lives in the address: reloads, links and Back keep it.
  const [status, setStatusState] = useState<StatusFilter>(statusParam);
  const setStatus = (s: StatusFilter) => {
    setStatusState(s);
    const url = new URL(window.location.href);
    if (s === "all") url.searchParams.delete("status");
    else url.searchParams.set("status", s);
    window.history.replaceState(window.history.state, "", url);
  };
  const [sharing, setSharing] = useState(false);
  const [reviewSettings, setReviewSettings] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [addingWebsite, setAddingWebsite] = useState(false);
  const recaptureAll = useRecaptureBoard(id);
  const [uploads, setUploads] = useState<Item[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);

  const queue = useMemo(
    () => new UploadQueue(browserTransport(id), setUploads, (item) => {
      if (item.result) upsertAsset(qc, id, item.result.asset);
      void qc.invalidateQueries({ queryKey: keys.board(id), exact: true });
    }),
    [id, qc],
  );

  // Leaving the page would cut uploads off: ask first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (queue.active) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [queue]);

  // Files may be dropped anywhere on the page; a drop Critboard does not
  // take must not make the browser open the file and leave the board.
  const canUploadHere = !!board?.can.edit;
  const dragging = useFileDrop(canUploadHere, (files) => queue.add(files));
  usePastedFiles(canUploadHere, (files) => queue.add(files));

  // Live events keep the cache current, thumbnails included (no polling).
  const viewers = useLiveBoard(board ? id : null);

  if (error && !(board && assets)) {
    const ended = linkEnded(error);
    if (ended && ended !== "unknown") return <LinkEnded why={ended} />;
    if (error.status === 404) {
      return (
        <NotFound signedIn={signedIn} title="This board does not exist, or is not shared with you"
          detail="It may have been deleted, or you were removed from it. Ask its owner to share it with you." />
      );
    }
    if (error.status === 401) {
      return (
        <section className="board-page">
          <ErrorNote error="Sign in, or open the share link you were sent, to see this board." />
          <Link to={signInHere()}>Sign in</Link>
        </section>
      );
    }
    return (
      <section className="board-page">
        <ErrorNote error={error} />
      </section>
    );
  }
  if (!board || !assets) return <p className="loading">Loading board…</p>;

  const canUpload = board.can.edit;
  const shown = status === "all" ? assets : assets.filter((a) => a.review_status === status);
  const hasCaptures = assets.some((a) => a.kind === "capture");
  const capturing = assets.filter((a) => a.current_version && CAPTURE_STATE_LABEL[a.current_version.state]).length;

  return (
    <section className="board-page">
      <header className="board-head">
        <div>
          {signedIn && (
            <Link to={href("workspace", { id: board.workspace_id }, { folder: board.folder_id })} className="crumb">
              ← {board.folder_id ? "Folder" : "Workspace"}
            </Link>
          )}
          <h1>{board.name}</h1>
          {board.description && <p className="description">{board.description}</p>}
          <p className="meta">
            {plural(board.asset_count, "picture")} · {plural(board.open_thread_count, "open thread")} ·{" "}
            {board.approved_count} approved · {board.changes_requested_count} changes requested
            {board.due_at && <> · <Due at={board.due_at} /></>}
          </p>
        </div>
        <div className="board-actions">
          <Presence viewers={viewers} />
          {signedIn && <MuteToggle boardId={id} />}
          {signedIn && (
            <button type="button" className="secondary" onClick={() => setSharing(true)}>Share</button>
          )}
          <Link to={href("board_activity", { id })} className="button secondary">Activity</Link>
          <button type="button" className="secondary" onClick={() => setExporting(true)}
            title="The board's pictures with their pins, every thread and decision, as a PDF or CSV">Export</button>
          {board.can.edit && (
            <button type="button" className="secondary" onClick={() => setReviewSettings(true)}
              title="Who may approve, and the due date">Review settings</button>
          )}
          {canUpload && (
            <>
              <button type="button" onClick={() => fileInput.current?.click()}>Upload pictures</button>
              <input ref={fileInput} type="file" multiple hidden accept={ACCEPT}
                aria-label="Pictures to upload"
                onChange={(e) => { queue.add([...(e.target.files ?? [])]); e.target.value = ""; }} />
              <button type="button" className="secondary" onClick={() => setAddingWebsite(true)}
                title={board.can.capture ? "Capture a web page at desktop and mobile widths" : "Needs Chromium on the server"}>
                Add website
              </button>
            </>
          )}
          {board.can.capture && hasCaptures && (
            <button type="button" className="secondary" disabled={recaptureAll.isPending}
              onClick={() => recaptureAll.mutate()} title="A new version of every website on this board">
              Re-capture all
            </button>
          )}
        </div>
      </header>
      {error && <ErrorNote error={`The board could not be refreshed: ${error.message}`} />}
      <ErrorNote error={apiError(recaptureAll.error)} />

      {uploads.length > 0 && <UploadList items={uploads} queue={queue} />}
      {/* One announcement for the board, not one per card and stage. */}
      <p className="visually-hidden" role="status">
        {capturing > 0 ? `${capturing} website ${capturing === 1 ? "capture" : "captures"} in progress` : ""}
      </p>

      <div className="status-filter" role="group" aria-label="Show pictures by review status">
        {FILTERS.map((s) => (
          <button key={s} type="button" className={status === s ? "chip on" : "chip"} aria-pressed={status === s}
            onClick={() => setStatus(s)}>
            {s === "all" ? `All (${assets.length})` : STATUS_LABEL[s]}
          </button>
        ))}
      </div>

      {assets.length === 0 ? (
        <div className="empty drop-hint">
          {canUpload
            ? "No pictures yet. Drop PNG, JPEG, WebP or GIF pictures, PDF decks or PowerPoint, Keynote and OpenDocument slides here, use “Upload pictures”, or capture a web page with “Add website”."
            : "No pictures yet. They appear here as soon as someone uploads them."}
        </div>
      ) : shown.length === 0 ? (
        <p className="empty">No picture has this status.</p>
      ) : (
        <ul className="asset-grid">
          {shown.map((a) => <AssetCard key={a.id} asset={a} canCapture={board.can.capture} />)}
        </ul>
      )}
      {dragging && <div className="drop-overlay" aria-hidden="true">Drop to upload to {board.name}</div>}
      {sharing && <ShareDialog board={board} onClose={() => setSharing(false)} />}
      {reviewSettings && <ReviewSettings board={board} onClose={() => setReviewSettings(false)} />}
      {exporting && <ExportRecord boardId={id} onClose={() => setExporting(false)} />}
      {addingWebsite && (
        <AddWebsite boardId={id} canCapture={board.can.capture} onClose={() => setAddingWebsite(false)} />
      )}
    </section>
  );
}

function AssetCard({ asset, canCapture }: { asset: Asset; canCapture: boolean }) {
  const v = asset.current_version;
  const thumb = v?.thumbnails.grid;
  const openThreads = v?.open_thread_count ?? 0;
  const capture = asset.kind === "capture";
  const retry = useRecapture(asset);
  const failed = v?.state === "failed";
  const rendering = useRenderProgress(asset.kind === "deck" && v?.state === "processing" ? v.id : null);
  return (
    <li className="asset-card">
      <Link to={href("asset", { id: asset.id })}>
        <div className="thumb">
          {failed ? (
            <span className="thumb-note error">
              {capture ? "Could not be captured" : "Could not be read"}{v.failure ? `: ${v.failure}` : ""}
            </span>
          ) : thumb ? (
            <img src={thumb.url} alt="" width={thumb.width} height={thumb.height} loading="lazy" />
          ) : (
            <span className="thumb-note">
              <span className="spinner" aria-hidden="true" /> {(v && CAPTURE_STATE_LABEL[v.state]) ?? (
                asset.kind === "deck" && v ? deckProgress(v.content_type, rendering) : "Processing…")}
            </span>
          )}
        </div>
        <div className="asset-meta">
          <strong>{asset.title}</strong>
          {capture && asset.source_url && (
            <span className="source" title={asset.source_url}>
              {shortAddress(asset.source_url)} · {widthLabel(asset.capture_width ?? 0)}
            </span>
          )}
          {asset.kind === "deck" && v && v.page_count > 0 && <span className="source">{v.page_count} {v.page_count === 1 ? "page" : "pages"}</span>}
          <span className={`badge ${asset.review_status}`}>{STATUS_LABEL[asset.review_status]}</span>
          {v?.reviewer && asset.review_status !== "in_review" && (
            <span className="decided" title={decisionText(v.review_status, v.reviewer, v.reviewed_at, ago) ?? undefined}>
              by {reviewerName(v.reviewer.name, v.reviewer.role)}
            </span>
          )}
          <span className="counts">
            {openThreads > 0 && (
              <span title="Open threads" className="open-count">
                <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" className="icon">
                  <path d="M2 3h12v8H6l-3 3v-3H2z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
                </svg>
                <span className="visually-hidden">Open threads: </span>{openThreads}
              </span>
            )}
            {asset.version_count > 1 && <span title="Versions">v{asset.version_count}</span>}
            {v && v.number > 1 && v.changed_percent != null && (
              <span className="changed" title={`From version ${v.number - 1} to ${v.number}`}>{changedLabel(v.changed_percent)}</span>
            )}
          </span>
        </div>
      </Link>
      {capture && failed && canCapture && (
        <div className="card-actions">
          <button type="button" className="secondary" disabled={retry.isPending} onClick={() => retry.mutate()}>
            Try again
          </button>
          <ErrorNote error={apiError(retry.error)} />
        </div>
      )}
    </li>
  );
}

function Due({ at }: { at: string }) {
  const { text, overdue } = dueLabel(at);
  return <time dateTime={at} className={overdue ? "due overdue" : "due"} title={new Date(at).toLocaleString()}>{text}</time>;
}

/** Mute a noisy board: only @mentions still notify. */
function MuteToggle({ boardId }: { boardId: string }) {
  const settings = useNotificationSettings();
  const setMuted = useSetMuted(boardId);
  if (!settings.data) return null;
  const muted = settings.data.muted_boards.includes(boardId);
  return (
    <button type="button" className="secondary" aria-pressed={muted} disabled={setMuted.isPending}
      onClick={() => setMuted.mutate(!muted)}
      title={muted ? "Only @mentions notify you" : "Get notified of everything on this board"}>
      {muted ? "Muted" : "Mute"}
    </button>
  );
}
