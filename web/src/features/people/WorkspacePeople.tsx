// A workspace's people: its members with their roles, and invitations not
// yet accepted. Owners and admins change roles, remove people, invite,
// resend and withdraw; members only look. Clients never get here (the API
// refuses them the list).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiError, client, data, sentence, type Workspace } from "../../api/client";
import { keys } from "../../api/keys";
import { ago, ConfirmButton, ErrorNote, Field, Link, useSubmit } from "../../components/ui/kit";
import { href } from "../../lib/router";
import { useInvitationChanges, type Invitation } from "../../api/invitations";
import {
  inviteToWorkspace, useMemberChanges, useWorkspaceInvitations, useWorkspaceMembers, type InvitedRole, type WorkspaceMember,
  type WorkspaceRole,
} from "./api";
import "./people.css";

export const WORKSPACE_ROLES: { value: WorkspaceRole; label: string; hint: string }[] = [
  { value: "client", label: "Client", hint: "sees only the boards shared with them" },
  { value: "member", label: "Member", hint: "creates boards and sees the workspace’s folders" },
  { value: "admin", label: "Admin", hint: "sees and manages every board, folder and person" },
  { value: "owner", label: "Owner", hint: "an admin who may also make owners and delete the workspace" },
];

/** Which roles someone with `mine` may give or take (only owners touch owners). */
export function assignableRoles(mine: WorkspaceRole | undefined, target: WorkspaceRole): WorkspaceRole[] {
  if (mine === "owner") return WORKSPACE_ROLES.map((r) => r.value);
  if (mine === "admin" && target !== "owner") return ["client", "member", "admin"];
  return [];
}

/** What an invitation gives, in words. */
export function invitationText(i: Invitation): string {
  if (i.board_id) return `${i.board_role ?? "viewer"} on ${i.board_name ? `“${i.board_name}”` : "a board"}`;
  return `${i.workspace_role} of the workspace`;
}

export function WorkspacePeople({ id }: { id: string }) {
  const workspace = useQuery({
    queryKey: keys.workspace(id),
    queryFn: () => data(client.GET("/api/v1/workspaces/{id}", { params: { path: { id } } })),
  }).data;
  const members = useWorkspaceMembers(id);
  const admin = workspace?.role === "owner" || workspace?.role === "admin";
  const invitations = useWorkspaceInvitations(id, admin);
  const loadError = apiError(members.error);
  return (
    <section className="people-page">
      <p className="crumb"><Link to={href("workspace", { id })}>← {workspace?.name ?? "Workspace"}</Link></p>
      <h1>People{workspace ? ` of ${workspace.name}` : ""}</h1>
      {loadError && <ErrorNote error={loadError.status === 403 ? "Only the workspace’s team sees its people." : loadError} />}
      {members.isPending && <p className="loading">Loading…</p>}
      {members.data && workspace && <Members ws={workspace} members={members.data} />}
      {admin && (
        <>
          <InviteForm ws={id} />
          <Pending ws={id} invitations={invitations.data ?? null} error={apiError(invitations.error)} />
        </>
      )}
    </section>
  );
}

function Members({ ws, members }: { ws: Workspace; members: WorkspaceMember[] }) {
  const { role, remove } = useMemberChanges(ws.id);
  const failed = apiError(role.error) ?? apiError(remove.error);
  return (
    <section aria-labelledby="people-members">
      <h2 id="people-members">Members ({members.length})</h2>
      {failed && <p role="alert" className="error">{sentence(failed.field("role") ?? failed.message)}</p>}
      <ul className="people-list">
        {members.map((m) => {
          const roles = assignableRoles(ws.role, m.role);
          return (
            <li key={m.user_id}>
              <span className="people-grow">
                <strong>{m.display_name}</strong>
                <span className="people-meta">{m.email} · since {ago(m.since)}</span>
              </span>
              {roles.length > 0 ? (
                <>
                  <select aria-label={`Role of ${m.display_name}`} value={m.role} disabled={role.isPending}
                    onChange={(e) => role.mutate({ user: m.user_id, role: e.target.value as WorkspaceRole })}>
                    {WORKSPACE_ROLES.filter((r) => roles.includes(r.value) || r.value === m.role).map((r) => (
                      <option key={r.value} value={r.value} title={r.hint}>{r.label}</option>
                    ))}
                  </select>
                  <ConfirmButton label="Remove" name={`Remove ${m.display_name}`} confirm="Remove"
                    question={`Remove ${m.display_name} from the workspace and all its boards?`}
                    onConfirm={async () => { await remove.mutateAsync(m.user_id); }} />
                </>
              ) : (
                <span className="people-role">{WORKSPACE_ROLES.find((r) => r.value === m.role)?.label ?? m.role}</span>
              )}
            </li>
          );
        })}
      </ul>
      <dl className="people-roles">
        {WORKSPACE_ROLES.map((r) => <div key={r.value}><dt>{r.label}</dt><dd>{r.hint}</dd></div>)}
      </dl>
    </section>
  );
}

function InviteForm({ ws }: { ws: string }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<InvitedRole>("member");
  const qc = useQueryClient();
  const [sent, setSent] = useState<string | null>(null);
  const { busy, error, run } = useSubmit(async () => {
    await inviteToWorkspace(ws, email.trim(), role);
    setSent(email.trim());
    setEmail("");
    void qc.invalidateQueries({ queryKey: keys.invitations(ws) });
  });
  return (
    <section aria-labelledby="people-invite">
      <h2 id="people-invite">Invite by e-mail</h2>
      <form onSubmit={run} className="inline people-invite">
        <Field label="E-mail address" error={error?.field("email")}>
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as InvitedRole)}>
            {WORKSPACE_ROLES.filter((r) => r.value !== "owner").map((r) => (
              <option key={r.value} value={r.value}>{r.label}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy}>Send invitation</button>
      </form>
      <ErrorNote error={error} fields={["email"]} />
      {sent && <p role="status" className="hint">Invitation sent to {sent}.</p>}
    </section>
  );
}

function Pending({ ws, invitations, error }: { ws: string; invitations: Invitation[] | null; error: ReturnType<typeof apiError> }) {
  const { resend, withdraw } = useInvitationChanges(keys.invitations(ws));
  const failed = apiError(resend.error) ?? apiError(withdraw.error);
  return (
    <section aria-labelledby="people-pending">
      <h2 id="people-pending">Invitations not accepted yet</h2>
      <ErrorNote error={error ?? failed} />
      {invitations?.length === 0 && <p className="empty">None.</p>}
      {invitations && invitations.length > 0 && (
        <ul className="people-list">
          {invitations.map((i) => (
            <li key={i.id}>
              <span className="people-grow">
                <strong>{i.email}</strong>
                <span className="people-meta">
                  {invitationText(i)} · sent {ago(i.created_at)} · expires {new Date(i.expires_at).toLocaleDateString()}
                </span>
              </span>
              <button type="button" className="secondary" disabled={resend.isPending}
                onClick={() => resend.mutate(i.id)} aria-label={`Resend the invitation to ${i.email}`}>Resend</button>
              <ConfirmButton label="Withdraw" name={`Withdraw the invitation to ${i.email}`} confirm="Withdraw"
                question={`Withdraw the invitation to ${i.email}? Its link stops working.`}
                onConfirm={async () => { await withdraw.mutateAsync(i.id); }} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
