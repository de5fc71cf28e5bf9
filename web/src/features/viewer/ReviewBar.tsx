// The reviewer's batch: start a review, see the drafts gathered so far
// (only the reviewer sees them), and submit them at once with a decision
// and a summary, or discard them.
import { useState } from "react";
import { apiError, type ReviewStatus } from "../../api/client";
import { ConfirmButton, Dialog, ErrorNote, Field, useSubmit } from "../../components/ui/kit";
import { plural } from "../../lib/words";
import { useDiscardReview, useRemoveDraft, useStartReview, useSubmitReview, type Review } from "./reviews";

interface Props {
  boardId: string;
  review: Review | null;
  /** The picture shown, and its version a decision would be about. */
  assetId: string;
  versionId: string;
  title: string;
  canDecide: boolean;
}

type Choice = "comment" | ReviewStatus;

export function ReviewBar({ boardId, review, assetId, versionId, title, canDecide }: Props) {
  const start = useStartReview(boardId);
  const removal = useRemoveDraft(boardId);
  const discard = useDiscardReview(boardId);
  const [submitting, setSubmitting] = useState(false);

  if (!review) {
    return (
      <div className="review-draft">
        <button type="button" className="secondary" disabled={start.isPending} onClick={() => start.mutate()}>
          Start a review
        </button>
        <span className="hint">Gather comments privately, then publish them at once.</span>
        <ErrorNote error={apiError(start.error)} />
      </div>
    );
  }
  const here = review.items.filter((i) => i.asset_id === assetId);
  const elsewhere = review.items.length - here.length;
  return (
    <section className="review-draft" aria-label="Your review">
      <p>
        <strong>Your review</strong> · {plural(review.items.length, "draft")}, seen only by you
        {elsewhere > 0 && ` (${elsewhere} on other pictures)`}
      </p>
      {here.length > 0 && (
        <ul className="drafts">
          {here.map((i) => (
            <li key={i.id}>
              <span className="draft-kind">{i.kind === "reply" ? "Reply" : "New pin"}</span>{" "}
              <span className="comment-text">{i.body}</span>{" "}
              <button type="button" className="link" aria-label={`Remove draft: ${i.body}`}
                onClick={() => removal.mutate(i.id)}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={apiError(removal.error)} />
      <div className="composer-actions">
        <ConfirmButton label="Discard" name="Discard review" question="Discard every draft of this review?"
          confirm="Discard" onConfirm={async () => { await discard.mutateAsync(review.id); }} />
        <button type="button" onClick={() => setSubmitting(true)}>Submit review…</button>
      </div>
      {submitting && (
        <SubmitReview review={review} versionId={versionId} title={title} canDecide={canDecide}
          boardId={boardId} onClose={() => setSubmitting(false)} />
      )}
    </section>
  );
}

function SubmitReview({ review, boardId, versionId, title, canDecide, onClose }: {
  review: Review; boardId: string; versionId: string; title: string; canDecide: boolean; onClose: () => void;
}) {
  const [summary, setSummary] = useState("");
  const [choice, setChoice] = useState<Choice>("comment");
  const submit = useSubmitReview(boardId);
  const { busy, error, run } = useSubmit(async () => {
    const decisions = choice === "comment" ? [] : [{ version_id: versionId, status: choice }];
    await submit.mutateAsync({ reviewId: review.id, summary, decisions });
    onClose();
  });
  const choices: [Choice, string][] = [
    ["comment", "Comment only"],
    ["approved", "Approve"],
    ["changes_requested", "Request changes"],
  ];
  return (
    <Dialog title="Submit review" onClose={onClose}>
      <form onSubmit={run}>
        <p>{plural(review.items.length, "comment")} will be published at once; the board is told once.</p>
        <Field label="Summary (optional)" error={error?.field("summary")}>
          <textarea rows={3} maxLength={5000} value={summary} onChange={(e) => setSummary(e.target.value)} />
        </Field>
        {canDecide && (
          <fieldset className="decision-choice">
            <legend>Your decision on “{title}”</legend>
            {choices.map(([value, label]) => (
              <label key={value}>
                <input type="radio" name="decision" value={value} checked={choice === value}
                  onChange={() => setChoice(value)} /> {label}
              </label>
            ))}
          </fieldset>
        )}
        <ErrorNote error={error} fields={["summary"]} />
        <div className="composer-actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" disabled={busy}>{busy ? "Submitting…" : "Submit review"}</button>
        </div>
      </form>
    </Dialog>
  );
}
