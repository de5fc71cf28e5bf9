import type { ReactNode } from "react";
import { ApiError, type User } from "./api/client";
import { landing, signOut as endSession } from "./api/session";
import { useMe, useSetMe } from "./api/me";
import { afterSignIn, href, matchRoute, navigate, signInHere, usePath, type Match, type RouteName } from "./lib/router";
import { ForgotPassword, ResetPassword, VerifyEmail } from "./features/auth/AccountLinks";
import { AuthForm } from "./features/auth/AuthForm";
import { BoardActivity } from "./features/boards/Activity";
import { BoardPage } from "./features/boards/Board";
import { GuestEntry } from "./features/people/GuestEntry";
import { Inbox, InboxBadge } from "./features/inbox/Inbox";
import { InviteAccept } from "./features/people/Invite";
import { WorkspacePeople } from "./features/people/WorkspacePeople";
import { Settings } from "./features/settings/Settings";
import { AssetViewer } from "./features/viewer/Viewer";
import { WorkspaceHome } from "./features/workspaces/WorkspaceHome";
import { Workspaces } from "./features/workspaces/Workspaces";
import { NotFound } from "./components/NotFound";
import { AdminError, AdminErrors, AdminPerformance } from "./features/admin/Admin";
import { Link } from "./components/ui/kit";

interface Ctx {
  m: Match;
  user: User | null;
  setUser: (u: User) => void;
  path: string;
}

/** How each page of the route table is shown. */
type Page =
  /** A page of its own, without the app's top bar (links from e-mails and share links). */
  | { bare: (c: Ctx) => ReactNode }
  /** A page in the app's frame; `account` pages ask signed-out visitors to sign in first. */
  | { framed: (c: Ctx) => ReactNode; account?: boolean };

export const PAGES: Record<RouteName, Page> = {
  verify_email: { bare: () => <VerifyEmail /> },
  reset_password: { bare: () => <ResetPassword /> },
  forgot_password: { bare: ({ user }) => (user ? <Workspaces /> : <ForgotPassword />) },
  share: { bare: ({ m, user }) => <GuestEntry token={m.params.token} signedIn={!!user} /> },
  invitation: { bare: ({ user, setUser }) => <InviteAccept user={user} onUser={setUser} /> },
  home: { framed: () => <Workspaces />, account: true },
  signup: { framed: () => <Workspaces />, account: true },
  board: { framed: ({ m, user }) => <BoardPage id={m.params.id} signedIn={!!user} /> },
  board_activity: { framed: ({ m }) => <BoardActivity id={m.params.id} /> },
  asset: { framed: ({ m, user }) => <AssetViewer id={m.params.id} signedIn={!!user} /> },
  workspace: { framed: ({ m }) => <WorkspaceHome id={m.params.id} />, account: true },
  workspace_people: { framed: ({ m }) => <WorkspacePeople id={m.params.id} />, account: true },
  inbox: { framed: () => <Inbox />, account: true },
  settings: { framed: ({ user, setUser }) => user && <Settings user={user} onUser={setUser} />, account: true },
  notification_settings: {
    framed: ({ user, setUser }) => user && <Settings user={user} onUser={setUser} section="notifications" />,
    account: true,
  },
  admin_errors: { framed: ({ user }) => adminOnly(user, <AdminErrors />), account: true },
  admin_error: { framed: ({ m, user }) => adminOnly(user, <AdminError id={m.params.id} />), account: true },
  admin_performance: { framed: ({ user }) => adminOnly(user, <AdminPerformance />), account: true },
};

/** Instance admins' pages: others see "not found", as the API answers them. */
function adminOnly(user: User | null, page: ReactNode): ReactNode {
  return user?.is_admin ? page : <NotFound signedIn={!!user} />;
}

export function App() {
  const path = usePath();
  const user = useMe();
  const setUser = useSetMe();

  const m = matchRoute(path, window.location.search);
  const page = m && PAGES[m.name];
  // Pages opened from e-mails work whether or not someone is signed in.
  if (page && "bare" in page && (m.name === "verify_email" || m.name === "reset_password")) {
    return page.bare({ m, user: user ?? null, setUser, path });
  }
  if (user === undefined) return <p className="loading">Loading…</p>;
  if (page && "bare" in page) return page.bare({ m, user, setUser, path });
  if (page && page.account && user === null) {
    const mode = m.name === "signup" ? "signup" : "signin";
    return (
      <AuthForm mode={mode} onSignedIn={async (u) => {
        setUser(u);
        navigate(await landing(afterSignIn(path), href("home"), (id) => href("workspace", { id })));
      }} />
    );
  }

  const signOut = async () => {
    try {
      await endSession();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    setUser(null);
    navigate(href("home"));
  };

  return (
    <div className="shell">
      <header className="topbar">
        <Link to={href("home")} className="brand">Critboard</Link>
        {user ? (
          <>
            <InboxBadge />
            {user.is_admin && <Link to={href("admin_errors")}>Admin</Link>}
            <Link to={href("settings")} className="me">{user.display_name}</Link>
            <button type="button" className="link" onClick={signOut}>Sign out</button>
          </>
        ) : (
          <Link to={signInHere()}>Sign in</Link>
        )}
      </header>
      <main className={m?.name === "asset" ? "full" : undefined}>
        {page && "framed" in page ? page.framed({ m, user, setUser, path }) : <NotFound signedIn={!!user} />}
      </main>
    </div>
  );
}
