import { useEffect, useState } from "react";
import { api, ApiError, type User } from "./api/client";
import { navigate, usePath } from "./router";
import { ForgotPassword, ResetPassword, VerifyEmail } from "./screens/AccountLinks";
import { AuthForm } from "./screens/AuthForm";
import { Workspaces } from "./screens/Workspaces";
import { WorkspaceBoards } from "./screens/WorkspaceBoards";

export function App() {
  const path = usePath();
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    api<User>("GET", "/api/v1/me")
      .then(setUser)
      .catch(() => setUser(null));
  }, []);

  // Pages opened from e-mails work whether or not someone is signed in.
  if (path === "/verify-email") return <VerifyEmail />;
  if (path === "/reset-password") return <ResetPassword />;
  if (path === "/forgot-password" && !user) return <ForgotPassword />;
  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) {
    const mode = path === "/signup" ? "signup" : "signin";
    return <AuthForm mode={mode} onSignedIn={(u) => { setUser(u); navigate("/"); }} />;
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

  const workspace = path.match(/^\/w\/([0-9a-f-]{36})$/);
  return (
    <div className="shell">
      <header className="topbar">
        <a href="/" onClick={(e) => { e.preventDefault(); navigate("/"); }} className="brand">
          Critboard
        </a>
        <span className="me">{user.display_name}</span>
        <button type="button" className="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>{workspace ? <WorkspaceBoards id={workspace[1]} /> : <Workspaces />}</main>
    </div>
  );
}
