import { useState, type FormEvent } from "react";
import { ApiError, type User } from "../../api/client";
import { signIn, signUp } from "../../api/session";
import { PASSWORD_RULES } from "../../lib/passwords";
import { href, navigate } from "../../lib/router";

type Props = { mode: "signin" | "signup"; onSignedIn: (user: User) => void };

/** Sign in or create an account. What was typed stays after a failure. */
export function AuthForm({ mode, onSignedIn }: Props) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = signup
        ? await signUp({ email, display_name: name, password })
        : await signIn(email, password);
      onSignedIn(session.user);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else throw err;
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <h1>{signup ? "Create your Critboard account" : "Sign in to Critboard"}</h1>
      <form onSubmit={submit} noValidate={false}>
        <label>
          E-mail
          <input type="email" required autoComplete="email" value={email}
            onChange={(e) => setEmail(e.target.value)} />
          {error?.field("email") && <span className="field-error">{error.field("email")}</span>}
        </label>
        {signup && (
          <label>
            Your name
            <input required maxLength={80} autoComplete="name" value={name}
              onChange={(e) => setName(e.target.value)} />
            {error?.field("display_name") && (
              <span className="field-error">{error.field("display_name")}</span>
            )}
          </label>
        )}
        <label>
          Password
          <input type="password" required minLength={signup ? 8 : undefined}
            autoComplete={signup ? "new-password" : "current-password"} value={password}
            aria-describedby={signup ? "password-rules" : undefined}
            onChange={(e) => setPassword(e.target.value)} />
          {error?.field("password") && <span className="field-error">{error.field("password")}</span>}
        </label>
        {signup && <p id="password-rules" className="hint">{PASSWORD_RULES}</p>}
        {error && !error.problem?.errors?.length && (
          <p role="alert" className="error">{error.message}</p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "One moment…" : signup ? "Create account" : "Sign in"}
        </button>
      </form>
      {!signup && (
        <p className="switch">
          <a href={href("forgot_password")}
            onClick={(e) => { e.preventDefault(); navigate(href("forgot_password")); }}>
            Forgot your password?
          </a>
        </p>
      )}
      <p className="switch">
        {signup ? "Have an account? " : "New to Critboard? "}
        <a href={href(signup ? "home" : "signup")}
          onClick={(e) => { e.preventDefault(); setError(null); navigate(href(signup ? "home" : "signup")); }}>
          {signup ? "Sign in" : "Create an account"}
        </a>
      </p>
    </main>
  );
}
