import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { API_BASE, apiError, type AssetDetail, type ReviewStatus, type Version } from "../../api/client";
import { useAssets, useBoard, useLiveBoard } from "../../api/boards";
import { keys } from "../../api/keys";
import { useMe } from "../../api/me";
import { LinkEnded, linkEnded } from "../../components/LinkEnded";
import { NotFound } from "../../components/NotFound";
import { Presence } from "../../components/Presence";
import { UploadList } from "../../components/UploadList";
import { ConfirmButton, Dialog, ErrorNote, Field, Link, useSubmit } from "../../components/ui/kit";
import { STATUS_LABEL } from "../../lib/assets";
import { href, navigate, signInHere } from "../../lib/router";
import { ACCEPT, UploadQueue, type Item } from "../../lib/uploads/queue";
import { useFileDrop } from "../../lib/drops";
import { browserTransport } from "../../lib/uploads/transport";
import { Canvas, type CanvasHandle, type Remembered } from "./Canvas";
import { CAPTURE_STATE_LABEL, shortAddress, useRecapture, widthLabel } from "../../api/captures";
import { asPage, deckProgress, usePages, useRenderProgress } from "../../api/decks";
import { ago } from "../../components/ui/kit";
import { ExportRecord } from "../../components/ExportRecord";
import { useCarriedVerdicts } from "./changes";
import { Compare } from "./Compare";
import { BackdropButton, isTransparent, useBackdrop } from "./backdrop";
import { Decision } from "./Decisions";
import { DrawTools } from "./DrawTools";
import { MARKS_MAX, nextTool, type Mark, type MarkColor, type MarkKind } from "./drawing";
import type { FitMode, Shape } from "./geometry";
import { ThreadPanel, type Me } from "./ThreadPanel";
import { ReviewBar } from "./ReviewBar";
import { useAddDraft, useDraftReview } from "./reviews";
import {
  useAssetDetail, useCreateThread, useDeleteAsset, usePeople, useRenameAsset, useSetReview, useThreadVersion,
  useVersionThreads,
} from "./api";
import "./viewer.css";

/** The guest id a share link gave this browser for a board (set by the guest page). */
export function guestIdFor(boardId: string): string | null {
  try {
    return window.localStorage.getItem(`critboard_guest:${boardId}`);
  } catch {
    return null;
  }
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
  const qc = useQueryClient();
  const assetQuery = useAssetDetail(id);
  const asset = assetQuery.data;
  const boardId = asset?.board_id ?? null;
  const board = useBoard(boardId).data;
  const order = useAssets(boardId).data ?? [];
  const user = useMe();
  const [versionId, setVersionId] = useState<string | null>(param("v"));
  const [selected, setSelected] = useState<string | null>(param("thread"));
  const [page, setPage] = useState(() => Math.max(1, Number(param("page")) || 1));
  const [draft, setDraft] = useState<Shape | null>(null);
  // A pin placed with keys keeps focus on the picture until Enter again.
  const [keyDraft, setKeyDraft] = useState(false);
  const [backdrop, nextBackdrop] = useBackdrop();
  // Drawing: the tool in hand, its colour, and the marks for the next comment.
  const [tool, setTool] = useState<MarkKind | null>(null);
  const [color, setColor] = useState<MarkColor>("red");
  const [marks, setMarks] = useState<Mark[]>([]);
  const [showResolved, setShowResolved] = useState(false);
  const [commenting, setCommenting] = useState(true);
  const [comparing, setComparing] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [scale, setScale] = useState(1);
  const [fitMode, setFitMode] = useState<FitMode | null>(null);
  const [uploads, setUploads] = useState<Item[]>([]);
  const [help, setHelp] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const canvas = useRef<CanvasHandle>(null);
  const views = useRef(new Map<string, Remembered>());
  const viewKeyRef = useRef("");
  const rememberView = useCallback((r: Remembered) => views.current.set(viewKeyRef.current, r), []);
  const fileInput = useRef<HTMLInputElement>(null);

  // Another picture (←/→): start from its own address.
  useEffect(() => {
    setDraft(null);
    setComparing(null);
    setVersionId(param("v"));
    setSelected(param("thread"));
    setPage(Math.max(1, Number(param("page")) || 1));
  }, [id]);

  // A thread opened from the inbox or an e-mail may be on another version.
  const linkedThread = useRef(param("v") ? null : param("thread"));
  const threadVersion = useThreadVersion(linkedThread.current).data;
  useEffect(() => {
    if (threadVersion) setVersionId(threadVersion);
  }, [threadVersion]);

  const versions = asset?.versions ?? [];
  const version: Version | undefined = versions.find((v) => v.id === versionId) ?? versions[0];
  // Stay on the version being reviewed when someone uploads a newer one.
  useEffect(() => {
    if (version && versionId !== version.id) setVersionId(version.id);
  }, [version, versionId]);
  const newer = version && versions[0] && versions[0].id !== version.id ? versions[0] : null;
  const transparent = !!version && isTransparent(version);

  const threadsQuery = useVersionThreads(id, version?.id);
  const deck = asset?.kind === "deck";
  // Slides being converted have no pages yet (0): the viewer waits on page 1.
  const pageCount = deck ? Math.max(1, version?.page_count ?? 1) : 1;
  const shownPage = Math.min(page, pageCount);
  const onPage = (t: { page: number }) => !deck || t.page === shownPage;
  const threads = threadsQuery.data?.items ?? null;
  const carried = threadsQuery.data?.previous ?? [];
  const previousOpen = carried.filter(onPage);
  // Which of them this version touched: "area changed" or "unchanged here".
  const carriedVerdicts = useCarriedVerdicts(version?.state === "ready" ? version.id : null, shownPage, previousOpen);
  // Open threads of pages this version no longer has.
  const lostPages = deck && version?.state === "ready" ? carried.filter((t) => t.page > pageCount).length : 0;
  const pages = usePages(deck && version?.state === "ready" ? version.id : null).data;
  const rendering = useRenderProgress(deck && version?.state === "processing" ? version.id : null);
  // Compare shows the same page of the other version.
  const compared = versions.find((v) => v.id === comparing);
  const comparedPages = usePages(deck && compared?.state === "ready" ? compared.id : null).data;
  // A thread linked from the inbox or an e-mail opens on its page.
  const selectedPage = threads?.find((t) => t.id === selected)?.page;
  useEffect(() => {
    if (deck && selectedPage && selectedPage !== page) setPage(selectedPage);
  }, [deck, selectedPage]); // eslint-disable-line react-hooks/exhaustive-deps
  const can = board?.can;
  const people = usePeople(boardId, !!can?.comment).data ?? [];
  const review = useSetReview(id);
  const creation = useCreateThread(id, version?.id ?? "");
  // A review being gathered: new comments go into it until it is submitted.
  const draftReview = useDraftReview(boardId, !!can?.comment).data ?? null;
  const drafting = useAddDraft(boardId ?? "", draftReview?.id);
  const removal = useDeleteAsset(id);
  const recapture = useRecapture({ id, board_id: boardId ?? "" });
  // The first load failing replaces the page, and so does the picture
  // being gone (deleted while open); any other failed refresh is a note.
  const failure = apiError(assetQuery.error);
  const error = !asset || failure?.status === 404 ? failure : null;
  const actionError = apiError(review.error) ?? apiError(recapture.error)
    ?? (asset ? apiError(assetQuery.error ?? threadsQuery.error) : null);

  // Live events refresh this picture and its threads (thumbnails included).
  const viewers = useLiveBoard(boardId);

  // Signed links expire in long sessions: fetch fresh ones, at most once a minute.
  const lastImageRetry = useRef(0);
  const imageFailed = () => {
    if (Date.now() - lastImageRetry.current < 60_000) return;
    lastImageRetry.current = Date.now();
    void qc.invalidateQueries({ queryKey: keys.asset(id) });
  };
  const current = useRef(id);
  current.current = id;
  const queue = useMemo(() => boardId
    ? new UploadQueue(browserTransport(boardId), setUploads, (item) => {
      if (item.assetId !== current.current) return;
      void qc.invalidateQueries({ queryKey: keys.asset(item.assetId) }).then(() => {
        // Your own new version is the one you want to see.
        if (item.result?.upload.version_id) setVersionId(item.result.upload.version_id);
      });
    })
    : null, [boardId, qc]);
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (queue?.active) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [queue]);

  // A file dropped on the viewer is a new version of this picture or deck.
  const dragging = useFileDrop(!!can?.edit && !!asset && asset.kind !== "capture" && !!queue, (files) => {
    if (files[0] && asset) queue?.add([files[0]], asset.id);
  });

  const canComment = !!can?.comment;
  const canEdit = !!can?.edit;
  const canDeleteAny = !!can?.manage;
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
  const turnTo = (n: number) => {
    if (n < 1 || n > pageCount || n === shownPage) return;
    setPage(n);
    setDraft(null);
    setSelected(null);
    setParams({ page: n === 1 ? null : String(n), thread: null });
  };
  const index = order.findIndex((a) => a.id === id);
  const step = (d: number) => {
    const next = order[index + d];
    if (next) navigate(href("asset", { id: next.id }), { replace: true });
  };

  // Keyboard shortcuts, except while typing.
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (document.querySelector('[aria-modal="true"]') || e.defaultPrevented) return;
      // Esc leaves compare or closes the thread wherever focus is, unless
      // it would drop words being typed (the composer handles its own).
      if (e.key === "Escape" && !(t.closest("textarea, input") as HTMLInputElement | null)?.value) {
        if (tool) setTool(null);
        else if (draft) setDraft(null);
        else if (comparing) setComparing(null);
        else if (selected) select(null);
        else return;
        e.preventDefault();
        return;
      }
      if (t.closest("input, textarea, select, [role=dialog]") || e.metaKey || e.ctrlKey || e.altKey) return;
      switch (e.key) {
        case "ArrowRight": if (deck) turnTo(shownPage + 1); else step(1); break;
        case "ArrowLeft": if (deck) turnTo(shownPage - 1); else step(-1); break;
        case "PageDown": turnTo(shownPage + 1); break;
        case "PageUp": turnTo(shownPage - 1); break;
        case "j": step(1); break;
        case "k": step(-1); break;
        case "c": case "C": if (canComment) setCommenting((c) => !c); break;
        case "+": case "=": canvas.current?.zoomBy(1.25); break;
        case "-": canvas.current?.zoomBy(0.8); break;
        case "0": canvas.current?.fit(); break;
        case "w": case "W": canvas.current?.fitWidth(); break;
        case "1": canvas.current?.actualSize(); break;
        case "?": setHelp(true); break;
        case "b": case "B": if (transparent) nextBackdrop(); break;
        case "d": case "D": if (canComment) setTool((t) => nextTool(t)); break;
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

  const setStatus = (status: ReviewStatus) => review.mutate({ version: version.id, status });

  const createThread = async (body: string, key: string) => {
    if (!draft) return;
    if (draftReview) {
      await drafting.mutateAsync({ version_id: version.id, ...draft, page: shownPage, body, drawing: marks.length ? marks : undefined });
      setDraft(null);
      drawingPosted();
      return;
    }
    const t = await creation.mutateAsync({ shape: draft, body, key, page: shownPage, drawing: marks.length ? marks : undefined });
    setDraft(null);
    drawingPosted();
    select(t.id);
  };

  const drawingPosted = () => {
    setMarks([]);
    setTool(null);
  };
  // A first mark with no thread open starts a new comment where it begins.
  const addMark = (m: Mark) => {
    setMarks((all) => [...all, m].slice(0, MARKS_MAX));
    if (!draft && !selected) {
      setDraft({ x: m.points[0][0], y: m.points[0][1] });
      setKeyDraft(true);
    }
  };
  const selectedMarks = (threads ?? []).find((t) => t.id === selected)?.comments.flatMap((c) => c.drawing ?? []) ?? [];

  const pageThreads = (threads ?? []).filter(onPage);
  const visible = pageThreads.filter((t) => showResolved || t.state === "open" || t.id === selected);
  // The canvas shows the deck's page as if it were the version's picture.
  const pageInfo = pages?.[shownPage - 1];
  const shown = deck ? asPage(version, pageInfo) : version;
  // Each page keeps its zoom: turning back shows it as it was left.
  const viewKey = `${version.id}:${shownPage}`;
  viewKeyRef.current = viewKey;
  const isCapture = asset.kind === "capture";
  const canCapture = !!can?.capture;
  const inProgress = version.state !== "ready" && version.state !== "failed";
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
        {isCapture && canCapture && (
          <button type="button" className="secondary" disabled={recapture.isPending || inProgress}
            onClick={() => recapture.mutate(undefined, { onSuccess: (a) => a.current_version && chooseVersion(a.current_version.id) })}
            title="Capture the page again as a new version">
            Re-capture
          </button>
        )}
        {canEdit && !isCapture && (
          <>
            <button type="button" className="secondary" onClick={() => fileInput.current?.click()}>
              Upload new version
            </button>
            <input ref={fileInput} type="file" hidden accept={ACCEPT} aria-label="New version file"
              onChange={(e) => { if (e.target.files?.[0]) queue?.add([e.target.files[0]], asset.id); e.target.value = ""; }} />
          </>
        )}
        {canEdit && (
          <>
            <button type="button" className="secondary" onClick={() => setRenaming(true)}>Rename</button>
            <ConfirmButton label="Delete" name="Delete picture" confirm="Delete picture"
              question="Delete this picture with all its versions and comments?"
              onConfirm={async () => {
                await removal.mutateAsync();
                qc.setQueryData<typeof order>(keys.assets(asset.board_id), (list) => list?.filter((a) => a.id !== id));
                navigate(href("board", { id: asset.board_id }));
              }} />
          </>
        )}
        <a className="button secondary" href={`${API_BASE}/api/v1/versions/${version.id}/download`} download
          title={`Download the original file (${version.original_name})`}>Download</a>
        <button type="button" className="secondary" onClick={() => setExporting(true)}
          title="This picture with its pins, threads and decisions, as a PDF or CSV">Export</button>
        {exporting && <ExportRecord boardId={asset.board_id} asset={{ id, title: asset.title }}
          onClose={() => setExporting(false)} />}
        <span className="spacer" />
        <Presence viewers={viewers} />
      </header>
      <div className="review-bar">
        <span className={`badge ${version.review_status}`}>{STATUS_LABEL[version.review_status]}</span>
        <Decision assetId={id} version={version} />
        {can?.decide && (
          <div role="group" aria-label="Review status" className="segmented">
            <button type="button" aria-pressed={version.review_status === "changes_requested"}
              className={version.review_status === "changes_requested" ? "on" : ""}
              onClick={() => setStatus("changes_requested")}>Request changes</button>
            <button type="button" aria-pressed={version.review_status === "approved"}
              className={version.review_status === "approved" ? "on" : ""}
              onClick={() => setStatus("approved")}>Approve</button>
            {version.review_status !== "in_review" && (
              <button type="button" onClick={() => setStatus("in_review")}>Back to review</button>
            )}
          </div>
        )}
        {!comparing && (
          <div className="zoom" role="group" aria-label="Zoom">
            {canComment && (
              <button type="button" aria-pressed={commenting} className={commenting ? "on" : ""}
                onClick={() => setCommenting((c) => !c)} title="Comment mode (C)">Comment</button>
            )}
            {canComment && (
              <DrawTools tool={tool} color={color} count={marks.length} onTool={setTool} onColor={setColor}
                onUndo={() => setMarks((all) => all.slice(0, -1))} onClear={() => setMarks([])} />
            )}
            <button type="button" onClick={() => canvas.current?.zoomBy(0.8)} aria-label="Zoom out" title="Zoom out (−)">−</button>
            <span className="pct" aria-live="polite">{Math.round(scale * 100)}%</span>
            <button type="button" onClick={() => canvas.current?.zoomBy(1.25)} aria-label="Zoom in" title="Zoom in (+)">+</button>
            <button type="button" onClick={() => canvas.current?.fitWidth()} title="Fit width (W)"
              aria-pressed={fitMode === "width"} className={fitMode === "width" ? "fit on" : "fit"}>Fit width</button>
            <button type="button" onClick={() => canvas.current?.fit()} title="Fit page (0)"
              aria-pressed={fitMode === "page"} className={fitMode === "page" ? "fit on" : "fit"}>Fit page</button>
            <button type="button" className="fit" onClick={() => canvas.current?.actualSize()} title="Actual size (1)">100%</button>
            {transparent && <BackdropButton backdrop={backdrop} onNext={nextBackdrop} />}
            <button type="button" className="link" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts">?</button>
          </div>
        )}
      </div>
      {isCapture && asset.source_url && (
        <p className="capture-info">
          <a href={asset.source_url} target="_blank" rel="noopener noreferrer nofollow" title="Open the live page">
            {shortAddress(asset.source_url)} ↗
          </a>
          <span>{asset.capture_width} px wide ({widthLabel(asset.capture_width ?? 0)})</span>
          {version.capture?.captured_at && (
            <time dateTime={version.capture.captured_at} title={new Date(version.capture.captured_at).toLocaleString()}>
              captured {ago(version.capture.captured_at)}
            </time>
          )}
          {version.capture?.url && version.capture.url !== asset.source_url && (
            <span title={version.capture.url}>redirected to {shortAddress(version.capture.url)}</span>
          )}
          {version.capture?.truncated && (
            <span className="warning">
              The page is {version.capture.page_height?.toLocaleString()} px tall; only its top part was captured.
            </span>
          )}
        </p>
      )}
      <ErrorNote error={actionError} />
      {newer && (
        <p className="newer" role="status">
          Version {newer.number} was uploaded.{" "}
          <button type="button" className="link" onClick={() => chooseVersion(newer.id)}>Show it</button>
        </p>
      )}
      {uploads.length > 0 && queue && <UploadList items={uploads} queue={queue} />}
      {dragging && <div className="drop-overlay" aria-hidden="true">Drop to upload a new version of {asset.title}</div>}
      {deck && pages && (
        <nav className="page-strip" aria-label="Pages">
          <button type="button" className="link" disabled={shownPage <= 1} onClick={() => turnTo(shownPage - 1)}
            aria-label="Previous page" title="Previous page (← or Page Up)">‹</button>
          <span className="page-of">Page {shownPage} of {pageCount}</span>
          <button type="button" className="link" disabled={shownPage >= pageCount} onClick={() => turnTo(shownPage + 1)}
            aria-label="Next page" title="Next page (→ or Page Down)">›</button>
          <ol>
            {pages.map((p) => {
              const open = (threads ?? []).filter((t) => t.page === p.number && t.state === "open").length;
              return (
                <li key={p.number}>
                  <button type="button" aria-label={`Page ${p.number}${open ? `, ${open} open` : ""}`}
                    aria-current={p.number === shownPage ? "page" : undefined} onClick={() => turnTo(p.number)}>
                    <img src={p.grid.url} alt="" width={p.grid.width} height={p.grid.height} loading="lazy" />
                    <span>{p.number}{open ? ` · ${open}` : ""}</span>
                  </button>
                </li>
              );
            })}
          </ol>
        </nav>
      )}
      {lostPages > 0 && (
        <p className="newer" role="status">
          {lostPages} open {lostPages === 1 ? "thread was" : "threads were"} on pages this version no longer has
          (it has {pageCount}); see the previous version.
        </p>
      )}
      <div className="viewer-body">
        {comparing && left ? (
          <Compare versions={versions} left={deck ? asPage(left, comparedPages?.[shownPage - 1]) : left}
            right={shown} onLeft={setComparing} onClose={() => setComparing(null)} onImageError={imageFailed}
            marks={{ [shown.id]: selectedMarks }}
            page={deck ? {
              number: shownPage,
              missing: !!comparedPages && !comparedPages[shownPage - 1],
              loading: !comparedPages || !pageInfo,
            } : undefined} />
        ) : version.state === "failed" ? (
          <div className="viewer-note">
            <p className="error">
              {isCapture ? "This capture failed" : "This version could not be read"}{version.failure ? `: ${version.failure}` : ""}.
            </p>
            {isCapture && canCapture && version.id === versions[0]?.id && (
              <button type="button" disabled={recapture.isPending} onClick={() => recapture.mutate()}>Try again</button>
            )}
          </div>
        ) : (inProgress && !version.width) || (deck && !pageInfo) ? (
          <p className="viewer-note" role="status">
            <span className="spinner" aria-hidden="true" /> {CAPTURE_STATE_LABEL[version.state] ?? (
              deck ? deckProgress(version.content_type, rendering) : "Processing…")}
          </p>
        ) : (
          <Canvas key={deck ? viewKey : undefined} ref={canvas} version={shown} onImageError={imageFailed} threads={visible} selected={selected} draft={draft}
            pending={(draftReview?.items ?? []).flatMap((i) =>
              i.shape && i.version_id === version.id && i.page === shownPage ? [{ id: i.id, shape: i.shape }] : [])}
            remembered={deck ? views.current.get(viewKey) : undefined} onView={deck ? rememberView : undefined}
            commenting={canComment && commenting} canPin={canComment} backdrop={transparent ? backdrop : undefined}
            tool={canComment && tool ? { kind: tool, color } : null} marks={[...selectedMarks, ...marks]} onMark={addMark}
            onSelect={select} onScale={setScale} onMode={setFitMode}
            onDraft={(s, byKeyboard) => { setDraft(s); setKeyDraft(!!byKeyboard); setSelected(null); }}
            onWrite={() => setKeyDraft(false)} />
        )}
        <ThreadPanel assetId={id} boardId={asset.board_id} threads={deck ? pageThreads : threads ?? []} previousOpen={previousOpen} carriedVerdicts={carriedVerdicts} selected={selected} draft={draft}
          focusComposer={!keyDraft} drawing={marks} onDrawingPosted={drawingPosted}
          showResolved={showResolved} people={people} me={me} canComment={canComment} canModerate={canEdit}
          canDeleteAny={canDeleteAny}
          onShowResolved={setShowResolved} onSelect={select} onCreate={createThread}
          onCancelDraft={() => setDraft(null)}
          onOpenPrevious={(t) => { chooseVersion(t.version_id); select(t.id); }}
          drafting={!!draftReview}
          onDraftReply={draftReview ? async (thread, body, drawing) => { await drafting.mutateAsync({ thread_id: thread, body, drawing }); } : undefined}
          reviewBar={boardId && canComment ? (
            <ReviewBar boardId={boardId} review={draftReview} assetId={id} versionId={version.id} title={asset.title}
              canDecide={!!can?.decide} />
          ) : undefined} />
      </div>
      {renaming && (
        <RenameAsset asset={asset} onClose={() => setRenaming(false)} onDone={() => setRenaming(false)} />
      )}
      {help && (
        <Dialog title="Keyboard shortcuts" onClose={() => setHelp(false)}>
          <dl className="shortcuts">
            <dt>→ or J / ← or K</dt><dd>Next / previous picture (on a deck, → / ← turn its pages; J / K go to the next picture)</dd>
            <dt>Page Down / Page Up</dt><dd>Next / previous page of a deck</dd>
            <dt>C</dt><dd>Comment mode on or off (click to pin, drag for an area)</dd>
            <dt>Enter, then arrows</dt><dd>On the picture: pin a comment at the middle of the view, move it (Shift: further), Enter again to write</dd>
            <dt>Space + drag</dt><dd>Move the picture</dd>
            <dt>+ / −, Ctrl + wheel, pinch</dt><dd>Zoom</dd>
            <dt>W / 0 / 1</dt><dd>Fit width / fit page / actual size</dd>
            <dt>Ctrl + Enter</dt><dd>Post a comment</dd>
            <dt>D</dt><dd>Drawing tools in turn: arrow, rectangle, ellipse, freehand, none (Esc puts it down)</dd>
            <dt>B</dt><dd>Backdrop of a transparent picture: checkerboard, dark, light</dd>
            <dt>Esc</dt><dd>Cancel the new pin, leave compare, close the thread</dd>
          </dl>
        </Dialog>
      )}
    </div>
  );
}

function RenameAsset({ asset, onClose, onDone }: { asset: AssetDetail; onClose: () => void; onDone: () => void }) {
  const [title, setTitle] = useState(asset.title);
  const rename = useRenameAsset(asset.id);
  const { busy, error, run } = useSubmit(async () => {
    await rename.mutateAsync(title.trim());
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
