// The page an invitation e-mail opens: what it offers, then accept it with
// the signed-in account, or sign in or sign up right here to accept it.
import { useEffect, useState } from "react";
import { ApiError, type Board, type Schemas, type User, type Workspace } from "../../api/client";
import { acceptInvitation, boardsNamed, invitation, myWorkspaces } from "./api";
import { signIn, signOut as endSession, signUp } from "../../api/session";
import { Field, useSubmit } from "../../components/ui/kit";
import { href, navigate } from "../../lib/router";
import "./people.css";

type InvitationInfo = Schemas["InvitationInfo"];
type Accepted = Schemas["AcceptedOut"];

/** Why accepting failed, in words. */
function acceptFailure(e: ApiError): string {
  return e.status === 404 ? "This invitation was already used, withdrawn, or it expired." : e.message;
}

/** Where to go after joining. */
export function acceptedPath(a: Accepted): string {
  return a.board_id ? href("board", { id: a.board_id }) : href("workspace", { id: a.workspace_id });
}

/** The same address, as the server compares them (case and spaces aside). */
export function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Signing up with an invitation joins at once but does not say where; the
 * new account sees only what it was invited to, so look it up by name.
 */
async function joinedPath(info: InvitationInfo): Promise<string> {
  const workspaces = await myWorkspaces();
  const named = workspaces.filter((w) => w.name === info.workspace_name);
  const ws: Workspace | undefined = named.length === 1 ? named[0] : workspaces.length === 1 ? workspaces[0] : undefined;
  if (!ws) return "/";
  if (info.board_name) {
    const boards = await boardsNamed(ws.id, info.board_name);
    const matches: Board[] = boards.filter((b) => b.name === info.board_name);
    if (matches.length === 1) return href("board", { id: matches[0].id });
  }
  return href("workspace", { id: ws.id });
}

function tokenFromUrl(): string {
  return new URLSearchParams(window.location.search).get("token") ?? "";
}

const ROLE_NOUN: Record<string, string> = {
  viewer: "a viewer", commenter: "a commenter", editor: "an editor", owner: "an owner",
  member: "a member", admin: "an admin", client: "a client (you see only the boards shared with you)",
};

export function InviteAccept({ user, onUser }: { user: User | null; onUser: (u: User) => void }) {
  const [token] = useState(tokenFromUrl);
  const [info, setInfo] = useState<InvitationInfo | null>(null);
  const [gone, setGone] = useState(false);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  // Signing in here can succeed while accepting fails: the reason outlives the form.
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!token) {
      setGone(true);
      return;
    }
    invitation(token)
      .then(setInfo)
      .catch((e: unknown) => {
        if (!(e instanceof ApiError)) throw e;
        if (e.status === 404) setGone(true);
        else setLoadError(e);
      });
  }, [token]);

  if (gone) {
    return (
      <main className="auth people">
        <h1>This invitation cannot be used</h1>
        <p>
          It was already accepted, withdrawn, or it expired (invitations work for 7 days). Ask the person
          who invited you to send a new one.
        </p>
        <p className="switch"><a href="/" onClick={(e) => { e.preventDefault(); navigate("/"); }}>Go to Critboard</a></p>
      </main>
    );
  }
  if (loadError) {
    return (
      <main className="auth people">
        <h1>This invitation could not be opened</h1>
        <p role="alert" className="error">{loadError.message}</p>
        <button type="button" className="secondary" onClick={() => window.location.reload()}>Try again</button>
      </main>
    );
  }
  if (!info) return <main className="auth people"><p className="loading">Loading…</p></main>;

  const place = info.board_name
    ? <>the board <strong>{info.board_name}</strong> as {ROLE_NOUN[info.board_role ?? ""] ?? "a member"}, in the
      workspace <strong>{info.workspace_name}</strong></>
    : <>the workspace <strong>{info.workspace_name}</strong> as {ROLE_NOUN[info.workspace_role] ?? "a member"}</>;

  return (
    <main className="auth people">
      <p className="people-kicker">Invitation</p>
      <h1>Join {info.board_name ?? info.workspace_name}</h1>
      <p>
        {info.invited_by ?? "Someone"} invited <strong>{info.email}</strong> to {place}.
      </p>
      <p className="hint">This invitation works until {new Date(info.expires_at).toLocaleDateString()}.</p>
      {user ? (
        <AcceptAsUser user={user} info={info} token={token} notice={notice} />
      ) : (
        <SignInToAccept info={info} token={token} onUser={onUser} onAcceptFailed={setNotice} />
      )}
    </main>
  );
}

function AcceptAsUser({ user, info, token, notice }: {
  user: User; info: InvitationInfo; token: string; notice: string | null;
}) {
  const { busy, error, run } = useSubmit(async () => {
    const a = await acceptInvitation(token);
    navigate(acceptedPath(a));
  });
  const signOut = async () => {
    try {
      await endSession();
    } finally {
      // A full load: the app forgets the account, the invitation stays in the address.
      window.location.reload();
    }
  };
  return (
    <form onSubmit={run}>
      {!sameAddress(user.email, info.email) && (
        <p className="people-note">
          You are signed in as <strong>{user.email}</strong>, not {info.email}. Accepting joins with the
          account you are signed in with.{" "}
          <button type="button" className="link" onClick={signOut}>Sign out to use another account</button>
        </p>
      )}
      {error ? (
        <p role="alert" className="error">{acceptFailure(error)}</p>
      ) : (
        notice && <p role="alert" className="error">You are signed in, but joining failed: {notice}</p>
      )}
      <button type="submit" disabled={busy}>{busy ? "Joining…" : "Accept invitation"}</button>
    </form>
  );
}

function SignInToAccept({ info, token, onUser, onAcceptFailed }: {
  info: InvitationInfo; token: string; onUser: (u: User) => void; onAcceptFailed: (why: string) => void;
}) {
  const [mode, setMode] = useState<"signin" | "signup">(info.account_exists ? "signin" : "signup");
  const [email, setEmail] = useState(info.email);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const signup = mode === "signup";

  const { busy, error, setError, run } = useSubmit(async () => {
    if (signup) {
      // The sign-up joins with the invitation and confirms the address it went to.
      const session = await signUp({ email: info.email, display_name: name.trim(), password, invitation: token });
      let path = "/";
      try {
        path = await joinedPath(info);
      } catch {
        // Signed up and joined all the same: the workspace list shows it.
      }
      onUser(session.user);
      navigate(path);
      return;
    }
    const session = await signIn(email.trim(), password);
    try {
      const a = await acceptInvitation(token);
      onUser(session.user);
      navigate(acceptedPath(a));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // Signed in even so: the page turns into the signed-in one, with the reason.
      onAcceptFailed(acceptFailure(e));
      onUser(session.user);
    }
  });

  const switchTo = (m: "signin" | "signup") => {
    setMode(m);
    setError(null);
  };
  const emailError = error?.field("email");
  const nameError = error?.field("display_name");
  const passwordError = error?.field("password");
  const otherError = error && !emailError && !nameError && !passwordError
    ? error.status === 409 && signup
      ? "An account with this e-mail already exists. Sign in to accept instead."
      : error.message
    : null;

  return (
    <form onSubmit={run}>
      <h2>{signup ? "Create your account to accept" : "Sign in to accept"}</h2>
      {signup ? (
        <Field label="E-mail" error={emailError}>
          <input type="email" readOnly value={info.email} aria-describedby="people-email-hint" />
        </Field>
      ) : (
        <Field label="E-mail" error={emailError}>
          <input type="email" required maxLength={254} autoComplete="email" value={email}
            onChange={(e) => setEmail(e.target.value)} />
        </Field>
      )}
      {signup && (
        <p id="people-email-hint" className="hint">The address the invitation went to; it counts as confirmed.</p>
      )}
      {signup && (
        <Field label="Your name" error={nameError}>
          <input required maxLength={80} pattern=".*\S.*" title="Enter your name" autoComplete="name"
            value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      )}
      <Field label="Password" error={passwordError}>
        <input type="password" required minLength={signup ? 8 : undefined} maxLength={signup ? 128 : undefined}
          autoComplete={signup ? "new-password" : "current-password"} value={password}
          aria-describedby={signup ? "people-password-hint" : undefined}
          onChange={(e) => setPassword(e.target.value)} />
      </Field>
      {signup && <p id="people-password-hint" className="hint">8 to 128 characters.</p>}
      {otherError && <p role="alert" className="error">{otherError}</p>}
      <button type="submit" disabled={busy}>
        {busy ? "One moment…" : signup ? "Create account and accept" : "Sign in and accept"}
      </button>
      <p className="switch">
        {signup ? "Already have an account? " : "New to Critboard? "}
        <button type="button" className="link" onClick={() => switchTo(signup ? "signin" : "signup")}>
          {signup ? "Sign in instead" : "Create an account instead"}
        </button>
      </p>
    </form>
  );
}
