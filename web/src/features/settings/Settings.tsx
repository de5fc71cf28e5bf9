// Account settings: profile, password, notification e-mail and API tokens.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { apiError, ApiError, type Schemas, type User } from "../../api/client";
import { keys } from "../../api/keys";
import {
  askForConfirmation, changePassword, createToken, fetchMe, revokeToken, saveName, saveRhythm, unmute as unmuteBoard,
  useNotificationSettings, useTokens,
} from "./api";
import { ErrorNote, Field, Link, ago, useSubmit, ConfirmButton, copyText } from "../../components/ui/kit";
import { PASSWORD_RULES } from "../../lib/passwords";
import { href } from "../../lib/router";
import "./settings.css";

type Frequency = Schemas["EmailFrequency"];
type NotificationSettings = Schemas["NotificationSettings"];
type Token = Schemas["TokenOut"];
type NewToken = Schemas["NewTokenOut"];

const NAME_MAX = 80;
/** A name must hold something besides spaces. */
const NOT_BLANK = ".*\\S.*";

/** `section`: the part a link opened (e-mails link to the notification settings). */
export function Settings({ user, onUser, section }: {
  user: User; onUser: (u: User) => void; section?: "notifications";
}) {
  return (
    <div className="settings">
      <h1>Settings</h1>
      <Profile user={user} onUser={onUser} />
      <Password />
      <EmailNotifications user={user} opened={section === "notifications"} />
      <ApiTokens />
    </div>
  );
}

function Section({ title, children, opened = false }: { title: string; children: ReactNode; opened?: boolean }) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!opened) return;
    heading.current?.scrollIntoView({ block: "start" });
    heading.current?.focus({ preventScroll: true });
  }, [opened]);
  return (
    <section className={opened ? "settings-section opened" : "settings-section"} aria-labelledby={id}>
      <h2 id={id} ref={heading} tabIndex={opened ? -1 : undefined}>{title}</h2>
      {children}
    </section>
  );
}

function Profile({ user, onUser }: { user: User; onUser: (u: User) => void }) {
  const [name, setName] = useState(user.display_name);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    const u = await saveName(name.trim());
    onUser(u);
    setName(u.display_name);
    setSaved(true);
  });

  const [sent, setSent] = useState(false);
  const resend = useSubmit(async () => {
    try {
      await askForConfirmation();
      setSent(true);
    } catch (e) {
      // 409: confirmed meanwhile (another tab, the link): show the truth.
      if (e instanceof ApiError && e.status === 409) onUser(await fetchMe());
      else throw e;
    }
  });

  const handle = user.handle;
  return (
    <Section title="Profile">
      <form onSubmit={save.run}>
        <Field label="Display name" error={save.error?.field("display_name")}>
          <input required maxLength={NAME_MAX} pattern={NOT_BLANK} title="Enter your name"
            autoComplete="name" value={name} aria-describedby="settings-name-hint"
            onChange={(e) => { setName(e.target.value); setSaved(false); }} />
        </Field>
        <p id="settings-name-hint" className="hint">
          Shown on your comments. People mention you as @{handle}.
        </p>
        <ErrorNote error={save.error} fields={["display_name"]} />
        {saved && <p role="status" className="settings-ok">Your name is saved.</p>}
        <button type="submit" disabled={save.busy || name.trim() === user.display_name}>
          {save.busy ? "Saving…" : "Save name"}
        </button>
      </form>

      <Field label="E-mail">
        <input type="email" readOnly value={user.email} aria-describedby="settings-email-state" />
      </Field>
      {user.email_verified ? (
        <p id="settings-email-state" className="settings-ok">✓ Confirmed</p>
      ) : (
        <div className="settings-unverified">
          <p id="settings-email-state">
            Not confirmed yet. Until you open the link Critboard e-mailed to {user.email}, you get
            no e-mail from Critboard and cannot invite people.
          </p>
          {sent ? (
            <p role="status" className="settings-ok">
              A new link is on its way to {user.email}. It works for 48 hours. (If you asked in the
              last five minutes, use the link sent then.)
            </p>
          ) : (
            <button type="button" className="secondary" onClick={() => resend.run()} disabled={resend.busy}>
              {resend.busy ? "Sending…" : "Send confirmation again"}
            </button>
          )}
          <ErrorNote error={resend.error} />
        </div>
      )}
    </Section>
  );
}

function Password() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, run } = useSubmit(async () => {
    setDone(false);
    await changePassword(current, next);
    setCurrent("");
    setNext("");
    setDone(true);
  });
  return (
    <Section title="Password">
      <form onSubmit={run}>
        <Field label="Current password" error={error?.field("current_password")}>
          <input type="password" required autoComplete="current-password" value={current}
            onChange={(e) => setCurrent(e.target.value)} />
        </Field>
        <Field label="New password" error={error?.field("new_password")}>
          <input type="password" required minLength={8} maxLength={128} autoComplete="new-password"
            aria-describedby="settings-password-hint" value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
        <p id="settings-password-hint" className="hint">
          {PASSWORD_RULES} Your other devices will be signed out.
        </p>
        <ErrorNote error={error} fields={["current_password", "new_password"]} />
        {done && (
          <p role="status" className="settings-ok">
            Your password is changed. Other devices were signed out; this one stays signed in.
          </p>
        )}
        <button type="submit" disabled={busy}>{busy ? "Changing…" : "Change password"}</button>
      </form>
    </Section>
  );
}

const FREQUENCIES: { value: Frequency; label: string; explain: string }[] = [
  { value: "immediate", label: "Right away",
    explain: "An e-mail within a minute or two of each comment, upload or review." },
  { value: "hourly", label: "Once an hour",
    explain: "At most one e-mail an hour, grouped by board. The default." },
  { value: "daily", label: "Once a day",
    explain: "One digest a day of everything you have not seen in Critboard." },
  { value: "off", label: "Never",
    explain: "No notification e-mail. Your inbox here still collects everything." },
];

function EmailNotifications({ user, opened }: { user: User; opened: boolean }) {
  const qc = useQueryClient();
  const query = useNotificationSettings();
  const settings = query.data ?? null;
  const loadError = apiError(query.error);
  const setSettings = (update: (s: NotificationSettings) => NotificationSettings) =>
    qc.setQueryData<NotificationSettings>(keys.notificationSettings, (s) => s && update(s));
  const [picked, setChoice] = useState<Frequency | null>(null);
  const choice = picked ?? settings?.email ?? null;
  const [saved, setSaved] = useState(false);
  const groupId = useId();

  const save = useSubmit(async () => {
    setSaved(false);
    if (!choice) return;
    const s = await saveRhythm(choice);
    qc.setQueryData(keys.notificationSettings, s);
    setChoice(s.email);
    setSaved(true);
  });

  const [unmuting, setUnmuting] = useState<string | null>(null);
  const [unmuteError, setUnmuteError] = useState<ApiError | null>(null);
  const unmute = async (board: string) => {
    if (!settings) return;
    setUnmuting(board);
    setUnmuteError(null);
    try {
      await unmuteBoard(board);
      setSettings((s) => ({
        ...s,
        muted_boards: s.muted_boards.filter((id) => id !== board),
        muted: s.muted.filter((m) => m.id !== board),
      }));
    } catch (e) {
      if (e instanceof ApiError) setUnmuteError(e);
      else throw e;
    } finally {
      setUnmuting(null);
    }
  };

  return (
    <Section title="E-mail notifications" opened={opened}>
      {!settings && !loadError && <p className="loading">Loading…</p>}
      {loadError && <p role="alert" className="error">Your notification settings could not be loaded: {loadError.message}</p>}
      {settings && choice && (
        <>
          <form onSubmit={save.run}>
            <fieldset className="settings-choices">
              <legend>E-mail me about notifications</legend>
              {FREQUENCIES.map((f) => (
                <div key={f.value} className="settings-choice">
                  <input type="radio" id={`${groupId}-${f.value}`} name={`${groupId}-frequency`}
                    value={f.value} checked={choice === f.value}
                    aria-describedby={`${groupId}-${f.value}-explain`}
                    onChange={() => { setChoice(f.value); setSaved(false); }} />
                  <label htmlFor={`${groupId}-${f.value}`}>{f.label}</label>
                  <span id={`${groupId}-${f.value}-explain`} className="hint">{f.explain}</span>
                </div>
              ))}
            </fieldset>
            {!user.email_verified && choice !== "off" && (
              <p className="hint">Nothing is sent until your e-mail address is confirmed (see Profile).</p>
            )}
            <ErrorNote error={save.error} />
            {saved && <p role="status" className="settings-ok">Saved.</p>}
            <button type="submit" disabled={save.busy || choice === settings.email}>
              {save.busy ? "Saving…" : "Save e-mail settings"}
            </button>
          </form>

          <h3>Muted boards</h3>
          {settings.muted.length === 0 ? (
            <p className="empty">
              No muted boards. Mute a busy board from its page to hear from it only when someone
              mentions you.
            </p>
          ) : (
            <>
              <p className="hint">You hear nothing from these boards, except when someone mentions you.</p>
              <ul className="settings-list">
                {settings.muted.map(({ id, name }) => (
                  <li key={id}>
                    <span className="settings-grow"><Link to={href("board", { id })}>{name}</Link></span>
                    <button type="button" className="secondary" aria-label={`Unmute ${name}`}
                      disabled={unmuting !== null} onClick={() => unmute(id)}>
                      {unmuting === id ? "Unmuting…" : "Unmute"}
                    </button>
                  </li>
                ))}
              </ul>
              <ErrorNote error={unmuteError} />
            </>
          )}
        </>
      )}
    </Section>
  );
}


function ApiTokens() {
  const qc = useQueryClient();
  const query = useTokens();
  const tokens = query.data ?? null;
  const loadError = apiError(query.error);
  const setTokens = (update: (list: Token[] | undefined) => Token[]) => qc.setQueryData<Token[]>(keys.tokens, update);
  const [name, setName] = useState("");
  const [fresh, setFresh] = useState<NewToken | null>(null);
  const [copied, setCopied] = useState<"yes" | "select" | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);

  const create = useSubmit(async () => {
    const t = await createToken(name.trim());
    setFresh(t);
    setCopied(null);
    setTokens((old) => [{ id: t.id, name: t.name, prefix: t.prefix, created_at: t.created_at,
      last_used_at: t.last_used_at }, ...(old ?? [])]);
    setName("");
  });

  useEffect(() => {
    if (fresh) secretRef.current?.focus();
  }, [fresh]);

  const revoke = async (t: Token) => {
    await revokeToken(t.id);
    setTokens((old) => old?.filter((x) => x.id !== t.id) ?? []);
    if (fresh?.id === t.id) setFresh(null);
  };

  return (
    <Section title="API tokens">
      <p className="hint">
        Tokens let scripts use the Critboard API as you: send one as{" "}
        <code>Authorization: Bearer …</code>. Treat them like passwords.
      </p>
      <form onSubmit={create.run} className="inline">
        <Field label="Token name" error={create.error?.field("name")}>
          <input required maxLength={NAME_MAX} pattern={NOT_BLANK} title="Enter a name"
            placeholder="e.g. Export script" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <button type="submit" disabled={create.busy}>{create.busy ? "Creating…" : "Create token"}</button>
      </form>
      <ErrorNote error={create.error} fields={["name"]} />

      {fresh && (
        <div className="settings-secret">
          <p>
            <strong>Copy your new token now.</strong> It is shown only this once; if you lose it,
            revoke it and create another.
          </p>
          <div className="inline">
            <Field label={`New token “${fresh.name}”`}>
              <input ref={secretRef} readOnly value={fresh.token} spellCheck={false}
                onFocus={(e) => e.currentTarget.select()} />
            </Field>
            <button type="button" onClick={async () =>
              setCopied((await copyText(fresh.token, secretRef.current)) ? "yes" : "select")}>
              Copy token
            </button>
          </div>
          <p role="status" className="hint">
            {copied === "yes" && "Copied to the clipboard."}
            {copied === "select" && "Your browser did not allow copying: the token is selected, press Ctrl+C (⌘C)."}
          </p>
          <button type="button" className="link" onClick={() => setFresh(null)}>I have saved it</button>
        </div>
      )}

      {tokens === null && !loadError && <p className="loading">Loading…</p>}
      {loadError && <p role="alert" className="error">Your tokens could not be loaded: {loadError.message}</p>}
      {tokens?.length === 0 && <p className="empty">No tokens yet. Create one above when a script needs the API.</p>}
      {tokens && tokens.length > 0 && (
        <ul className="settings-list">
          {tokens.map((t) => (
            <li key={t.id}>
              <span className="settings-grow">
                <strong>{t.name}</strong> <code>{t.prefix}…</code>
                <span className="settings-meta">
                  Created {ago(t.created_at)} ·{" "}
                  {t.last_used_at ? `last used ${ago(t.last_used_at)}` : "never used"}
                </span>
              </span>
              <ConfirmButton label="Revoke" name={`Revoke token ${t.name}`} confirm="Revoke token"
                question={`Revoke “${t.name}”? Scripts using it stop working at once.`}
                onConfirm={() => revoke(t)} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

