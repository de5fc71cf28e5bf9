// The page a share link opens: who you are (and the link's password),
// then the board. Signed-in people review under their own account.
import { useEffect, useState } from "react";
import { ApiError, type Schemas } from "../../api/client";
import { shareLink } from "./api";
import { useMe } from "../../api/me";
import { openShareLink } from "../../api/session";
import { Field, useSubmit } from "../../components/ui/kit";
import { href } from "../../lib/router";
import { LinkEnded, linkEnded, type LinkEnd } from "../../components/LinkEnded";
import "./people.css";

type ShareInfo = Schemas["ShareInfo"];

/** What a link lets you do, in a sentence. */
export function linkAbility(role: string): string {
  return role === "viewer" ? "look at its pictures and comments" : "look at its pictures and leave comments";
}

export function GuestEntry({ token, signedIn }: { token: string; signedIn: boolean }) {
  const me = useMe();
  const [info, setInfo] = useState<ShareInfo | null>(null);
  const [gone, setGone] = useState<LinkEnd | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");

  useEffect(() => {
    shareLink(token)
      .then(setInfo)
      .catch((e: unknown) => {
        if (!(e instanceof ApiError)) throw e;
        const ended = linkEnded(e);
        if (ended) setGone(ended);
        else setLoadError(e);
      });
  }, [token]);

  const { busy, error, run } = useSubmit(async () => {
    try {
      // Signed in, the board is opened under the account's own name.
      const displayName = signedIn ? (me?.display_name ?? "") : name.trim();
      const guest = await openShareLink(token, {
        display_name: displayName,
        password: info?.needs_password ? password : null,
      });
      // The viewer recognises the guest's own comments by this id.
      try {
        window.localStorage.setItem(`critboard_guest:${guest.board_id}`, guest.guest_id);
      } catch {
        /* private mode: own comments just lose their edit buttons */
      }
      // A full load, so that the app starts again with the new cookies.
      window.location.assign(href("board", { id: guest.board_id }));
    } catch (e) {
      const ended = linkEnded(e);
      if (ended) return setGone(ended);
      // The owner may have added a password since the page opened: ask for it.
      if (e instanceof ApiError && e.status === 401) setInfo((i) => i && { ...i, needs_password: true });
      throw e;
    }
  });

  if (gone) return <LinkEnded why={gone} page />;
  if (loadError) {
    return (
      <main className="auth people">
        <h1>This link could not be opened</h1>
        <p role="alert" className="error">{loadError.message}</p>
        <button type="button" className="secondary" onClick={() => window.location.reload()}>Try again</button>
      </main>
    );
  }
  if (!info) return <main className="auth people"><p className="loading">Loading…</p></main>;

  const wrongPassword = error?.status === 401 ? "That password is not right. Check it with the person who sent the link." : undefined;
  const passwordError = error?.field("password") ?? wrongPassword;
  const nameError = error?.field("display_name");
  const otherError = error && !passwordError && !nameError ? error.message : null;

  return (
    <main className="auth people">
      <p className="people-kicker">You are invited to review</p>
      <h1>{info.board_name}</h1>
      <p>
        This link lets you {linkAbility(info.role)}.
        {info.expires_at && ` It works until ${new Date(info.expires_at).toLocaleDateString()}.`}
      </p>
      <form onSubmit={run}>
        {signedIn ? (
          <p id="people-signed-in">
            You are signed in, so you will review under your own account’s name, with the link’s
            rights on this board.
          </p>
        ) : info.role === "viewer" ? null : (
          <>
            <Field label="Your name" error={nameError}>
              <input required maxLength={80} pattern=".*\S.*" title="Enter your name" autoComplete="name"
                aria-describedby="people-name-hint" value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <p id="people-name-hint" className="hint">Shown next to your comments.</p>
          </>
        )}
        {info.needs_password && (
          <Field label="Password" error={passwordError}>
            <input type="password" required maxLength={128} autoComplete="off" value={password}
              onChange={(e) => setPassword(e.target.value)} />
          </Field>
        )}
        {otherError && <p role="alert" className="error">{otherError}</p>}
        <button type="submit" disabled={busy}>
          {busy ? "Opening…" : signedIn || info.role === "viewer" ? "Open the board" : "Start reviewing"}
        </button>
      </form>
    </main>
  );
}
