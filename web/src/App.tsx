import { useEffect, useState } from "react";
import { api, ApiError, type User } from "./api/client";
import { afterSignIn, navigate, signInHere, usePath } from "./lib/router";
import { ForgotPassword, ResetPassword, VerifyEmail } from "./features/auth/AccountLinks";
import { AuthForm } from "./features/auth/AuthForm";
import { BoardPage } from "./features/boards/Board";
import { GuestEntry } from "./features/people/GuestEntry";
import { Inbox, InboxBadge } from "./features/inbox/Inbox";
import { InviteAccept } from "./features/people/Invite";
import { Settings } from "./features/settings/Settings";
import { AssetViewer } from "./features/viewer/Viewer";
import { WorkspaceHome } from "./features/workspaces/WorkspaceHome";
import { Workspaces } from "./features/workspaces/Workspaces";
import { Link } from "./components/ui/kit";

const UUID = "([0-9a-f-]{36})";

/** The screen for a path; `null` when the path is not one of ours. */
function screenFor(path: string, user: User | null, setUser: (u: User) => void) {
  let m: RegExpMatchArray | null;
  if ((m = path.match(new RegExp(`^/b/${UUID}$`)))) return <BoardPage id={m[1]} signedIn={!!user} />;
  if ((m = path.match(new RegExp(`^/a/${UUID}$`)))) return <AssetViewer id={m[1]} signedIn={!!user} />;
  if (!user) return null;
  if ((m = path.match(new RegExp(`^/w/${UUID}$`)))) return <WorkspaceHome id={m[1]} />;
  if (path === "/inbox") return <Inbox />;
  if (path.startsWith("/settings")) return <Settings user={user} onUser={setUser} />;
  return <Workspaces />;
}

export function App() {
  const path = usePath();
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    api<User>("GET", "/api/v1/me")
      .then(setUser)
      .catch(() => setUser(null));
  }, []);

  // Pages opened from e-mails and share links work whether or not someone is signed in.
  if (path === "/verify-email") return <VerifyEmail />;
  if (path === "/reset-password") return <ResetPassword />;
  if (path === "/forgot-password" && !user) return <ForgotPassword />;
  if (user === undefined) return <p className="loading">Loading…</p>;
  const share = path.match(/^\/s\/([A-Za-z0-9_.-]+)$/);
  if (share) return <GuestEntry token={share[1]} signedIn={!!user} />;
  if (path === "/invite") return <InviteAccept user={user} onUser={setUser} />;

  const screen = screenFor(path, user, setUser);
  if (user === null && screen === null) {
    const mode = path === "/signup" ? "signup" : "signin";
    return <AuthForm mode={mode} onSignedIn={(u) => { setUser(u); navigate(afterSignIn(path)); }} />;
  }

  const signOut = async () => {
    try {
      await api("POST", "/api/v1/auth/logout", {});
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    setUser(null);
    navigate("/");
  };

  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">Critboard</Link>
        {user ? (
          <>
            <InboxBadge />
            <Link to="/settings" className="me">{user.display_name}</Link>
            <button type="button" className="link" onClick={signOut}>Sign out</button>
          </>
        ) : (
          <Link to={signInHere()}>Sign in</Link>
        )}
      </header>
      <main className={path.startsWith("/a/") ? "full" : undefined}>{screen}</main>
    </div>
  );
}
