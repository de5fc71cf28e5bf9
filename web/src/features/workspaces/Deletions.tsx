// Deleting a board or a whole workspace: for good, files included, so the
// dialog says what goes and a workspace asks for its name to be typed.
import { useState } from "react";
import { client, type Board, type Workspace } from "../../api/client";
import { Dialog, ErrorNote, Field, useSubmit } from "../../components/ui/kit";
import { plural } from "../../lib/words";


export function DeleteBoard({ board, onClose, onDone }: { board: Board; onClose: () => void; onDone: () => void }) {
  const { busy, error, run } = useSubmit(async () => {
    await client.DELETE("/api/v1/boards/{id}", { params: { path: { id: board.id } } });
    onDone();
  });
  return (
    <Dialog title={`Delete board “${board.name}”?`} onClose={onClose}>
      <form onSubmit={run}>
        <p>
          {board.asset_count > 0 ? `Its ${plural(board.asset_count, "picture")}, with every version, comment and file, ` : "It "}
          {board.asset_count > 0 ? "are" : "is"} deleted for good, and its share links stop working.
          To keep it out of the way instead, archive it.
        </p>
        <ErrorNote error={error} />
        <div className="wh-dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" className="danger" disabled={busy}>Delete board</button>
        </div>
      </form>
    </Dialog>
  );
}

export function DeleteWorkspace({ workspace, onClose, onDone }: {
  workspace: Workspace; onClose: () => void; onDone: () => void;
}) {
  const [typed, setTyped] = useState("");
  const { busy, error, run } = useSubmit(async () => {
    await client.DELETE("/api/v1/workspaces/{id}", { params: { path: { id: workspace.id } } });
    onDone();
  });
  const matches = typed.trim() === workspace.name.trim();
  return (
    <Dialog title={`Delete workspace “${workspace.name}”?`} onClose={onClose}>
      <form onSubmit={run}>
        <p>
          Every folder and board in it, with all their pictures, comments and files, is deleted for good. Its
          members and clients lose access, and its share links stop working.
        </p>
        <Field label={`Type “${workspace.name}” to confirm`}>
          <input value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
        </Field>
        <ErrorNote error={error} />
        <div className="wh-dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" className="danger" disabled={busy || !matches}>Delete workspace</button>
        </div>
      </form>
    </Dialog>
  );
}
