// The side panel: a version's threads, the open one with its replies,
// and the box for a new pin's first comment.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError, type Comment, type Thread } from "../../api/client";
import { CommentText } from "../../components/CommentText";
import { ago } from "../../components/ui/kit";
import { Composer } from "./Composer";
import { GuestEmail } from "./GuestEmail";
import type { Verdict } from "./changes";
import type { Mark } from "./drawing";
import type { Shape } from "./geometry";
import type { Person } from "./mentions";
import { useDeleteComment, useEditComment, useReply, useSetThreadState } from "./api";

export interface Me {
  userId: string | null;
  guestId: string | null;
}

interface Props {
  /** The picture the threads are on (changes refresh it). */
  assetId: string;
  boardId: string;
  threads: Thread[];
  previousOpen: Thread[];
  selected: string | null;
  draft: Shape | null;
  /** The new comment's box takes focus (not while a pin is moved with keys). */
  focusComposer?: boolean;
  /** Marks drawn to go with the next comment posted, and told when they went. */
  drawing?: Mark[];
  onDrawingPosted?: () => void;
  showResolved: boolean;
  people: Person[];
  me: Me;
  canComment: boolean;
  canModerate: boolean;
  /** Board owners may delete anyone's comment; editors only resolve. */
  canDeleteAny: boolean;
  onShowResolved: (v: boolean) => void;
  onSelect: (id: string | null) => void;
  onCreate: (body: string, key: string) => Promise<void>;
  onCancelDraft: () => void;
  onOpenPrevious: (thread: Thread) => void;
  /** For threads still open on an earlier version: whether this version changed their area. */
  carriedVerdicts?: Record<string, Verdict>;
  /** The reviewer's batch, shown above the threads. */
  reviewBar?: ReactNode;
  /** A review is being gathered: new comments and replies go into it as drafts. */
  onDraftReply?: (threadId: string, body: string, drawing?: Mark[]) => Promise<void>;
  drafting?: boolean;
}

const isMine = (me: Me, c: { author?: { id: string } | null; guest_id?: string | null }) =>
  (!!me.userId && c.author?.id === me.userId) || (!!me.guestId && c.guest_id === me.guestId);

export function ThreadPanel(props: Props) {
  const { threads, previousOpen, selected, draft, showResolved, people, canComment } = props;
  const resolvedCount = threads.filter((t) => t.state === "resolved").length;
  const shown = threads.filter((t) => showResolved || t.state === "open" || t.id === selected);
  const selectedRef = useRef<HTMLLIElement>(null);

  useEffect(() => {
    selectedRef.current?.scrollIntoView({ block: "nearest" });
  }, [selected]);
  // On a phone the panel is under the picture: a new pin brings its box into view.
  const newThread = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (draft && window.matchMedia?.("(max-width: 760px)").matches) {
      newThread.current?.scrollIntoView?.({ block: "nearest" });
    }
  }, [draft !== null]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <aside className="thread-panel" aria-label="Comments">
      <header className="panel-head">
        <h2>Comments</h2>
        <label className="toggle">
          <input type="checkbox" checked={showResolved} onChange={(e) => props.onShowResolved(e.target.checked)} />
          Show resolved ({resolvedCount})
        </label>
      </header>
      {props.reviewBar}
      {draft && (
        <div className="new-thread" ref={newThread}>
          <h3>New comment</h3>
          {props.drawing && props.drawing.length > 0 && <p className="marks-pending">{marksNote(props.drawing.length)} with it.</p>}
          <Composer label="New comment" submitLabel={props.drafting ? "Add to review" : "Post"} people={people}
            focusOnOpen={props.focusComposer ?? true} onSubmit={props.onCreate} onCancel={props.onCancelDraft} />
        </div>
      )}
      {!draft && threads.length === 0 && (
        <p className="empty">
          {canComment ? "No comments yet. Click the picture to pin one, or drag to mark an area." : "No comments yet."}
        </p>
      )}
      <ol className="threads">
        {shown.map((t) => (
          <li key={t.id} ref={t.id === selected ? selectedRef : undefined}
            className={`thread ${t.state}${t.id === selected ? " selected" : ""}`}>
            {t.id === selected ? (
              <ThreadDetail thread={t} {...props} />
            ) : (
              <button type="button" className="thread-summary" onClick={() => props.onSelect(t.id)}>
                <span className="num">{t.number}</span>
                <span className="text">
                  <strong>{authorName(t.comments[0])}</strong>{" "}
                  <span className="comment-text">{t.comments[0]?.body ?? "(deleted)"}</span>
                </span>
                <span className="replies">
                  {t.comments.length > 1 ? `${t.comments.length - 1} repl${t.comments.length === 2 ? "y" : "ies"}` : ""}
                  {t.state === "resolved" ? " · Resolved" : ""}
                </span>
              </button>
            )}
          </li>
        ))}
      </ol>
      {previousOpen.length > 0 && (
        <section className="previous">
          <h3>Still open on the previous version</h3>
          <ul>
            {previousOpen.map((t) => (
              <li key={t.id}>
                <button type="button" className="link" onClick={() => props.onOpenPrevious(t)}>
                  #{t.number} <span className="comment-text">{t.comments[0]?.body ?? ""}</span>
                </button>
                {props.carriedVerdicts?.[t.id] && (
                  <span className={`verdict ${props.carriedVerdicts[t.id]}`}>
                    {props.carriedVerdicts[t.id] === "changed" ? "Area changed" : "Unchanged here"}
                  </span>
                )}
                <ResolveCarried {...props} thread={t} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {props.me.guestId && !props.me.userId && canComment && <GuestEmail boardId={props.boardId} />}
    </aside>
  );
}

/** One click resolves a thread the new version took care of (for whoever may resolve it). */
function ResolveCarried({ assetId, thread, me, canComment, canModerate }: Props & { thread: Thread }) {
  const resolution = useSetThreadState(assetId, thread.id);
  const author = thread.created_by ? { author: { id: thread.created_by } } : { guest_id: thread.created_by_guest };
  if (!(canModerate || (canComment && isMine(me, author)))) return null;
  return (
    <button type="button" className="link" disabled={resolution.isPending} aria-label={`Resolve #${thread.number}`}
      onClick={() => resolution.mutate("resolved")}>Resolve</button>
  );
}

const marksNote = (n: number) => (n === 1 ? "Your mark goes" : `Your ${n} marks go`);

function authorName(c: Comment | undefined): string {
  if (!c) return "";
  if (c.author) return c.author.display_name;
  return c.guest_name ? `${c.guest_name} (guest)` : "Someone";
}

function ThreadDetail({
  assetId, thread, people, me, canComment, canModerate, canDeleteAny, onSelect, drawing, onDrawingPosted, onDraftReply,
}: Props & { thread: Thread }) {
  const author = thread.created_by ? { author: { id: thread.created_by } } : { guest_id: thread.created_by_guest };
  const mayResolve = canModerate || (canComment && isMine(me, author));
  const resolution = useSetThreadState(assetId, thread.id);
  const replying = useReply(assetId, thread.id);
  const error = resolution.error instanceof ApiError ? resolution.error.message : null;

  const setState = () => resolution.mutate(thread.state === "open" ? "resolved" : "open");
  // A saved reply refreshes the picture's threads; a failed refresh only
  // waits for the next live event.
  const reply = async (body: string, key: string) => {
    const marks = drawing?.length ? drawing : undefined;
    if (onDraftReply) await onDraftReply(thread.id, body, marks);
    else await replying.mutateAsync({ body, key, drawing: marks });
    if (drawing?.length) onDrawingPosted?.();
  };

  return (
    <div className="thread-detail">
      <div className="thread-bar">
        <span className="num">{thread.number}</span>
        {thread.state === "resolved" && <span className="badge approved">Resolved</span>}
        <span className="spacer" />
        {mayResolve && (
          <button type="button" className="secondary" onClick={setState}>
            {thread.state === "open" ? "Resolve" : "Reopen"}
          </button>
        )}
        <button type="button" className="link" aria-label="Close thread" onClick={() => onSelect(null)}>✕</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <ol className="comments">
        {thread.comments.map((c) => (
          <CommentItem key={c.id} assetId={assetId} comment={c} mine={isMine(me, c)} canDeleteAny={canDeleteAny}
            people={people} />
        ))}
      </ol>
      {canComment && drawing && drawing.length > 0 && <p className="marks-pending">{marksNote(drawing.length)} with your reply.</p>}
      {canComment && (
        <Composer label="Reply" submitLabel={onDraftReply ? "Add to review" : "Reply"} people={people} onSubmit={reply} />
      )}
    </div>
  );
}

function CommentItem({ assetId, comment, mine, canDeleteAny, people }: {
  assetId: string; comment: Comment; mine: boolean; canDeleteAny: boolean; people: Person[];
}) {
  const [editing, setEditing] = useState(false);
  const edit = useEditComment(assetId, comment.id);
  const deletion = useDeleteComment(assetId, comment.id);
  const error = deletion.error instanceof ApiError ? deletion.error.message : null;
  if (comment.deleted) return <li className="comment deleted">This comment was deleted.</li>;

  const remove = () => {
    if (window.confirm("Delete this comment?")) deletion.mutate();
  };

  return (
    <li className="comment">
      <div className="comment-head">
        <strong>{authorName(comment)}</strong>
        <time dateTime={comment.created_at} title={new Date(comment.created_at).toLocaleString()}>
          {ago(comment.created_at)}
        </time>
        {comment.edited_at && <span className="edited">(edited)</span>}
      </div>
      {editing ? (
        <Composer label="Edit comment" submitLabel="Save" people={people} initial={comment.body ?? ""} focusOnOpen
          onCancel={() => setEditing(false)}
          onSubmit={async (body) => {
            await edit.mutateAsync(body);
            setEditing(false);
          }} />
      ) : (
        <p className="body"><CommentText text={comment.body ?? ""} /></p>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {!editing && (mine || canDeleteAny) && (
        <div className="comment-actions">
          {mine && <button type="button" className="link" onClick={() => setEditing(true)}>Edit</button>}
          <button type="button" className="link" onClick={remove}>Delete</button>
        </div>
      )}
    </li>
  );
}
