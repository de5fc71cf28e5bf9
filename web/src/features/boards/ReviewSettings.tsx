// How a board's review runs: who may approve or request changes, and by
// when. Owners choose who decides; editors may set the due date.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Board, Schemas } from "../../api/client";
import { keys } from "../../api/keys";
import { Dialog, ErrorNote, Field, useSubmit } from "../../components/ui/kit";
import { expiryFromDate, localDate } from "../../lib/dates";
import { patchBoard } from "../../api/boards";

type Deciders = Schemas["Deciders"];

export function ReviewSettings({ board, onClose }: { board: Board; onClose: () => void }) {
  const qc = useQueryClient();
  const [deciders, setDeciders] = useState<Deciders>(board.deciders);
  const [due, setDue] = useState(board.due_at ? localDate(new Date(board.due_at)) : "");
  const { busy, error, run } = useSubmit(async () => {
    const body: Parameters<typeof patchBoard>[1] = { due_at: due ? expiryFromDate(due) : null };
    if (board.can.manage && deciders !== board.deciders) body.deciders = deciders;
    qc.setQueryData(keys.board(board.id), await patchBoard(board.id, body));
    onClose();
  });
  return (
    <Dialog title="Review settings" onClose={onClose}>
      <form onSubmit={run} className="review-settings">
        <fieldset>
          <legend>Who may approve or request changes</legend>
          <label className="choice">
            <input type="radio" name="deciders" value="editors" checked={deciders === "editors"} disabled={!board.can.manage}
              onChange={() => setDeciders("editors")} />
            Editors and owners
          </label>
          <label className="choice">
            <input type="radio" name="deciders" value="reviewers" checked={deciders === "reviewers"} disabled={!board.can.manage}
              onChange={() => setDeciders("reviewers")} />
            Reviewers too: commenters, and guests of a share link that lets them comment
          </label>
          {!board.can.manage && <p className="hint">Only the board’s owners change this.</p>}
        </fieldset>
        <Field label="Due date" error={error?.field("due_at")}
          hint="A day before, everyone who may decide and has not gets a reminder by e-mail.">
          <input type="date" value={due} min={localDate(new Date())} onChange={(e) => setDue(e.target.value)} />
        </Field>
        <ErrorNote error={error} fields={["due_at"]} />
        <div className="review-settings-actions">
          {due && <button type="button" className="secondary" onClick={() => setDue("")}>No due date</button>}
          <button type="submit" disabled={busy}>Save</button>
        </div>
      </form>
    </Dialog>
  );
}
