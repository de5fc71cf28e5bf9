import { useEffect, useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { askForReset, confirmAddress, resetPassword } from "./api";
import { PASSWORD_RULES } from "../../lib/passwords";
import { href, navigate } from "../../lib/router";

function tokenFromUrl(): string {
  return new URLSearchParams(window.location.search).get("token") ?? "";
}

function SignInLink({ label = "Go to sign in" }: { label?: string }) {
  return (
    <a href="/" onClick={(e) => { e.preventDefault(); navigate("/"); }}>
      {label}
    </a>
  );
}

/** Ask for a reset link (the answer never says whether the account exists). */
export function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await askForReset(email);
      setSent(true);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else throw err;
    }
  };

  return (
    <main className="auth">
      <h1>Reset your password</h1>
      {sent ? (
        <p role="status">
          If {email} has a Critboard account, a link to choose a new password is on its way.
          It works for an hour.
        </p>
      ) : (
        <form onSubmit={submit}>
          <label>
            E-mail
            <input type="email" required autoComplete="email" value={email}
              onChange={(e) => setEmail(e.target.value)} />
            {error?.field("email") && <span className="field-error">{error.field("email")}</span>}
          </label>
          {error && !error.field("email") && <p role="alert" className="error">{error.message}</p>}
          <button type="submit">Send me a link</button>
        </form>
      )}
      <p className="switch"><SignInLink label="Back to sign in" /></p>
    </main>
  );
}

/** Choose a new password with the e-mailed token. */
export function ResetPassword() {
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await resetPassword(tokenFromUrl(), password);
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else throw err;
    }
  };

  return (
    <main className="auth">
      <h1>Choose a new password</h1>
      {done ? (
        <p role="status">
          Your password is changed and you were signed out everywhere. <SignInLink label="Sign in" />
        </p>
      ) : (
        <form onSubmit={submit}>
          <label>
            New password
            <input type="password" required minLength={8} autoComplete="new-password"
              aria-describedby="reset-password-rules"
              value={password} onChange={(e) => setPassword(e.target.value)} />
            {error?.field("password") && (
              <span className="field-error">{error.field("password")}</span>
            )}
          </label>
          <p id="reset-password-rules" className="hint">{PASSWORD_RULES}</p>
          {error?.field("token") && (
            <p role="alert" className="error">
              {error.field("token")}. <a href={href("forgot_password")}>Ask for a new link</a>.
            </p>
          )}
          <button type="submit">Save the new password</button>
        </form>
      )}
    </main>
  );
}

/** Opened from the confirmation e-mail: confirms the address at once. */
export function VerifyEmail() {
  const [state, setState] = useState<"working" | "done" | "again" | "failed">("working");
  const [message, setMessage] = useState("");

  useEffect(() => {
    confirmAddress(tokenFromUrl())
      .then((r) => {
        setMessage(r.email);
        setState(r.already_confirmed ? "again" : "done");
      })
      .catch((err: ApiError) => {
        setMessage(err.field("token") ?? err.message);
        setState("failed");
      });
  }, []);

  return (
    <main className="auth">
      <h1>Confirm your e-mail address</h1>
      {state === "working" && <p className="loading">Confirming…</p>}
      {state === "done" && (
        <p role="status">
          Thank you: {message} is confirmed, and Critboard will e-mail you about your boards.
        </p>
      )}
      {state === "again" && (
        <p role="status">{message} is already confirmed. There is nothing more to do.</p>
      )}
      {state === "failed" && (
        <p role="alert" className="error">
          {message}. Sign in and ask for a new link from your settings.
        </p>
      )}
      <p className="switch"><SignInLink label="Continue to Critboard" /></p>
    </main>
  );
}
