// A guest may leave an address to hear of replies in their threads (once
// confirmed by the link e-mailed to it); people with an account choose
// their e-mail in their settings instead.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { apiError, client, data } from "../../api/client";

const key = (board: string) => ["board", board, "guest-email"] as const;

export function GuestEmail({ boardId }: { boardId: string }) {
  const qc = useQueryClient();
  const path = { params: { path: { id: boardId } } };
  const current = useQuery({
    queryKey: key(boardId),
    queryFn: () => data(client.GET("/api/v1/boards/{id}/guest-email", path)),
  });
  const save = useMutation({
    mutationFn: (email: string) => data(client.PUT("/api/v1/boards/{id}/guest-email", { ...path, body: { email } })),
    onSuccess: (got) => qc.setQueryData(key(boardId), got),
  });
  const forget = useMutation({
    mutationFn: () => client.DELETE("/api/v1/boards/{id}/guest-email", path),
    onSuccess: () => qc.setQueryData(key(boardId), { email: null, confirmed: false }),
  });
  const [editing, setEditing] = useState(false);
  const [email, setEmail] = useState("");
  const error = apiError(save.error) ?? apiError(forget.error);
  const got = current.data;
  if (!got) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(email.trim(), { onSuccess: () => setEditing(false) });
  };
  return (
    <section className="guest-email" aria-label="Replies by e-mail">
      {editing ? (
        <form onSubmit={submit}>
          <label>
            Your e-mail address
            <input type="email" required maxLength={254} value={email} autoComplete="email"
              onChange={(e) => setEmail(e.target.value)} />
          </label>
          {error?.field("email") && <span className="field-error">{error.field("email")}</span>}
          <div className="guest-email-actions">
            <button type="submit" disabled={save.isPending}>Send a confirmation link</button>
            <button type="button" className="link" onClick={() => setEditing(false)}>Cancel</button>
          </div>
        </form>
      ) : got.email && got.confirmed ? (
        <p>
          Replies to your comments go to <strong>{got.email}</strong>.{" "}
          <button type="button" className="link" onClick={() => forget.mutate()}>Stop</button>
        </p>
      ) : got.email ? (
        <p role="status">
          Check <strong>{got.email}</strong> for a link to confirm it; replies are e-mailed after that.{" "}
          <button type="button" className="link" onClick={() => { setEmail(got.email ?? ""); setEditing(true); }}>Change</button>
        </p>
      ) : (
        <p>
          <button type="button" className="link" onClick={() => setEditing(true)}>Get an e-mail when someone replies</button>
        </p>
      )}
      {error && !error.field("email") && <p role="alert" className="error">{error.message}</p>}
    </section>
  );
}
