// Who may see a board: its members, invitations by e-mail and share links
// for people without an account. Owners change things; others only look.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { apiError, client, data, sentence, type Board, type BoardRole, type Member, type Schemas } from "../../api/client";
import { useInvitationChanges } from "../../api/invitations";
import { keys } from "../../api/keys";
import { Dialog, Field, ConfirmButton, copyText } from "../../components/ui/kit";
import { useChangeRole, useCreateLink, useInvite, useMembers, useRemoveMember, useRevokeLink, useShareLinks } from "./api";
import { expiryFromDate, localDate } from "../../lib/dates";
import "./share.css";

type ShareLink = Schemas["ShareLinkOut"];

const ROLES: { value: BoardRole; label: string }[] = [
  { value: "viewer", label: "Viewer" },
  { value: "commenter", label: "Commenter" },
  { value: "editor", label: "Editor" },
  { value: "owner", label: "Owner" },
];
/** Links farthest in the future the server accepts. */
const LINK_DAYS_MAX = 730;

export function ShareDialog({ board, onClose }: { board: Board; onClose: () => void }) {
  // The dialog re-runs its focus effect when `onClose` changes; the board
  // page re-renders on live events, so hand it a function that never changes.
  const latestClose = useRef(onClose);
  useEffect(() => {
    latestClose.current = onClose;
  });
  const [close] = useState(() => () => latestClose.current());
  const owner = board.can.manage;

  return (
    <Dialog title={`Share “${board.name}”`} onClose={close} wide>
      <People board={board} owner={owner} />
      {owner ? (
        <ShareLinks board={board} />
      ) : (
        <p className="hint">Only the board’s owners can invite people and create share links.</p>
      )}
    </Dialog>
  );
}

function People({ board, owner }: { board: Board; owner: boolean }) {
  const membersQuery = useMembers(board.id);
  const members = membersQuery.data ?? null;
  const loadError = apiError(membersQuery.error);
  const changeRole = useChangeRole(board.id);
  const removal = useRemoveMember(board.id);
  const failed = apiError(changeRole.error);
  const rowError = failed && changeRole.variables
    ? { user: changeRole.variables.member.user_id, message: sentence(failed.field("role") ?? failed.message) }
    : null;
  const remove = async (m: Member) => {
    changeRole.reset();
    await removal.mutateAsync(m);
  };

  return (
    <section className="share-part" aria-labelledby="share-people">
      <h3 id="share-people">People</h3>
      {members === null && !loadError && <p className="loading">Loading…</p>}
      {loadError && <p role="alert" className="error">The members could not be loaded: {loadError.message}</p>}
      {members?.length === 0 && (
        <p className="empty">
          Nobody has been added to this board directly yet.{owner && " Invite someone by e-mail below."}
        </p>
      )}
      {members && members.length > 0 && (
        <ul className="share-list">
          {members.map((m) => (
            <li key={m.user_id}>
              <span className="share-grow">
                <strong>{m.display_name}</strong>
                <span className="share-meta">{m.email}</span>
              </span>
              {owner ? (
                <>
                  <select aria-label={`Role of ${m.display_name}`} value={m.role}
                    onChange={(e) => changeRole.mutate({ member: m, role: e.target.value as BoardRole })}>
                    {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
                  </select>
                  <ConfirmButton label="Remove" name={`Remove ${m.display_name}`} confirm="Remove"
                    question={`Remove ${m.display_name} from this board?`} onConfirm={() => remove(m)} />
                </>
              ) : (
                <span className="share-role">{ROLES.find((r) => r.value === m.role)?.label ?? m.role}</span>
              )}
              {rowError?.user === m.user_id && <p role="alert" className="error share-row-error">{rowError.message}</p>}
            </li>
          ))}
        </ul>
      )}
      <p className="hint">
        Workspace owners and admins, and people granted a whole folder, can open this board too and are
        not listed here.
      </p>
      {owner && <Invite board={board} />}
      {owner && <PendingInvitations board={board} />}
    </section>
  );
}

function Invite({ board }: { board: Board }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<BoardRole>("commenter");
  const invite = useInvite(board.id);
  const qc = useQueryClient();
  const error = apiError(invite.error);
  const busy = invite.isPending;
  const sentTo = invite.data?.email ?? null;
  const run = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate({ email: email.trim(), role }, {
      onSuccess: () => {
        setEmail("");
        void qc.invalidateQueries({ queryKey: keys.boardInvitations(board.id) });
      },
    });
  };
  return (
    <form onSubmit={run} className="share-form">
      <h4>Invite by e-mail</h4>
      <div className="share-fields">
        <Field label="E-mail" error={error?.field("email")}>
          <input type="email" required maxLength={254} autoComplete="off" value={email}
            placeholder="name@example.com" onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Role" error={error?.field("role")}>
          <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as BoardRole)}>
            {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
          </select>
        </Field>
        <button type="submit" disabled={busy}>{busy ? "Sending…" : "Send invitation"}</button>
      </div>
      <p className="hint">
        They get an e-mail with a link that works for 7 days. Someone new to the workspace joins it as a client,
        who sees only the boards shared with them.
      </p>
      {error && !error.field("email") && !error.field("role") && (
        <p role="alert" className="error">
          {error.message}
          {error.status === 403 && /confirm/i.test(error.message) && " You can ask for a new link in Settings."}
        </p>
      )}
      {sentTo && <p role="status" className="share-ok">Invitation sent to {sentTo}.</p>}
    </form>
  );
}

/** Invitations to this board nobody has accepted yet. */
function PendingInvitations({ board }: { board: Board }) {
  const key = keys.boardInvitations(board.id);
  const pending = useQuery({
    queryKey: key,
    queryFn: async () => (await data(client.GET("/api/v1/boards/{id}/invitations", {
      params: { path: { id: board.id } },
    }))).items,
  });
  const { resend, withdraw } = useInvitationChanges(key);
  const failed = apiError(resend.error) ?? apiError(withdraw.error) ?? apiError(pending.error);
  if (!pending.data?.length && !failed) return null;
  return (
    <div className="share-pending">
      <h4>Invited, not joined yet</h4>
      {failed && <p role="alert" className="error">{failed.message}</p>}
      <ul className="share-list">
        {pending.data?.map((i) => (
          <li key={i.id}>
            <span className="share-grow">
              <strong>{i.email}</strong>
              <span className="share-meta">
                {ROLES.find((r) => r.value === i.board_role)?.label ?? i.board_role} · link works until{" "}
                {new Date(i.expires_at).toLocaleDateString()}
              </span>
            </span>
            <button type="button" className="secondary" disabled={resend.isPending}
              onClick={() => resend.mutate(i.id)} aria-label={`Resend the invitation to ${i.email}`}>Resend</button>
            <ConfirmButton label="Withdraw" name={`Withdraw the invitation to ${i.email}`} confirm="Withdraw"
              question={`Withdraw the invitation to ${i.email}?`} onConfirm={async () => { await withdraw.mutateAsync(i.id); }} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function ShareLinks({ board }: { board: Board }) {
  const linksQuery = useShareLinks(board.id);
  const links = linksQuery.data ?? null;
  const loadError = apiError(linksQuery.error);
  const [role, setRole] = useState<Schemas["SharedRole"]>("commenter");
  const [label, setLabel] = useState("");
  const [password, setPassword] = useState("");
  const [expires, setExpires] = useState("");
  const creation = useCreateLink(board.id);
  const revocation = useRevokeLink(board.id);
  const created = creation.data?.id ?? null;
  const create = {
    busy: creation.isPending,
    error: apiError(creation.error),
    run: (e: FormEvent) => {
      e.preventDefault();
      creation.mutate({
        role,
        label: label.trim(),
        password: password === "" ? null : password,
        expires_at: expires === "" ? null : expiryFromDate(expires),
      }, {
        onSuccess: () => {
          setLabel("");
          setPassword("");
          setExpires("");
        },
      });
    },
  };
  const revoke = async (link: ShareLink) => {
    await revocation.mutateAsync(link);
  };

  const today = new Date();
  const latest = new Date(today.getTime() + (LINK_DAYS_MAX - 1) * 86_400_000);
  const active = links?.filter((l) => l.active) ?? [];
  const inactive = (links?.length ?? 0) - active.length;
  const fields = ["role", "label", "password", "expires_at"];

  return (
    <section className="share-part" aria-labelledby="share-links">
      <h3 id="share-links">Share links</h3>
      <p className="hint">Anyone with a link can open this board without an account, under the name they give.</p>
      <form onSubmit={create.run} className="share-form">
        <div className="share-fields">
          <Field label="Access" error={create.error?.field("role")}>
            <select aria-label="Access" value={role} onChange={(e) => setRole(e.target.value as Schemas["SharedRole"])}>
              <option value="viewer">Can view</option>
              <option value="commenter">Can comment</option>
            </select>
          </Field>
          <Field label="Label (optional)" error={create.error?.field("label")}>
            <input maxLength={80} value={label} placeholder="e.g. Client review"
              onChange={(e) => setLabel(e.target.value)} />
          </Field>
        </div>
        <div className="share-fields">
          <Field label="Password (optional)" error={create.error?.field("password")}>
            <input type="text" minLength={4} maxLength={128} autoComplete="off" spellCheck={false}
              value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <Field label="Expires on (optional)" error={create.error?.field("expires_at")}>
            <input type="date" min={localDate(today)} max={localDate(latest)} value={expires}
              onChange={(e) => setExpires(e.target.value)} />
          </Field>
          <button type="submit" disabled={create.busy}>{create.busy ? "Creating…" : "Create link"}</button>
        </div>
        {create.error && !fields.some((f) => create.error?.field(f)) && (
          <p role="alert" className="error">{create.error.message}</p>
        )}
      </form>

      {links === null && !loadError && <p className="loading">Loading…</p>}
      {loadError && <p role="alert" className="error">The links could not be loaded: {loadError.message}</p>}
      {links && active.length === 0 && (
        <p className="empty">No active links. Create one above to let clients review without an account.</p>
      )}
      {active.length > 0 && (
        <ul className="share-list">
          {active.map((l) => (
            <LinkRow key={l.id} link={l} fresh={l.id === created} onRevoke={() => revoke(l)} />
          ))}
        </ul>
      )}
      {inactive > 0 && (
        <p className="hint">
          {inactive === 1 ? "1 revoked or expired link is" : `${inactive} revoked or expired links are`} not shown.
        </p>
      )}
    </section>
  );
}

function LinkRow({ link, fresh, onRevoke }: { link: ShareLink; fresh: boolean; onRevoke: () => Promise<void> }) {
  const input = useRef<HTMLInputElement>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  const [copied, setCopied] = useState<"yes" | "select" | null>(null);
  const name = link.label || "Untitled link";
  const labelId = `share-link-${link.id}`;

  useEffect(() => {
    if (fresh) copyButton.current?.focus();
  }, [fresh]);

  const copy = async () => setCopied((await copyText(link.url, input.current)) ? "yes" : "select");

  return (
    <li className="share-link">
      <span className="share-grow">
        <strong id={labelId}>{name}</strong>
        <span className="share-meta">
          {link.role === "commenter" ? "Can comment" : "Can view"}
          {" · "}
          {link.expires_at ? `Expires ${new Date(link.expires_at).toLocaleDateString()}` : "Never expires"}
          {link.has_password && " · Password protected"}
        </span>
      </span>
      <div className="share-url">
        <input ref={input} readOnly value={link.url} aria-label={`Address of ${name}`} spellCheck={false}
          onFocus={(e) => e.currentTarget.select()} />
        <button ref={copyButton} type="button" className="secondary" aria-describedby={labelId} onClick={copy}>
          Copy link
        </button>
        <ConfirmButton label="Revoke" name={`Revoke ${name}`} confirm="Revoke link"
          question="Revoke it? Guests using it lose access at once." onConfirm={onRevoke} />
      </div>
      <p role="status" className="hint share-copied">
        {fresh && !copied && "Link created: copy it and send it to your reviewers."}
        {copied === "yes" && "Copied to the clipboard."}
        {copied === "select" && "Your browser did not allow copying: the link is selected, press Ctrl+C (⌘C)."}
      </p>
    </li>
  );
}

