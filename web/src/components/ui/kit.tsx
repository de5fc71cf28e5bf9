// Small building blocks every screen shares: labelled fields with their
// server-side message, error notes, in-app links and an accessible dialog.
import { useEffect, useRef, useState, type ReactNode, type FormEvent, type MouseEvent } from "react";
import { ApiError } from "../../api/client";
import { navigate } from "../../lib/router";

/** A labelled control with the server's message for it, if any. */
export function Field({ label, error, children, hint }: {
  label: string; error?: string; children: ReactNode; hint?: string;
}) {
  return (
    <label>
      {label}
      {children}
      {hint && !error && <span className="hint">{hint}</span>}
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}

/** A failed request's message, unless a field already shows it. */
export function ErrorNote({ error, fields = [] }: { error: ApiError | string | null; fields?: string[] }) {
  if (!error) return null;
  if (typeof error === "string") return <p role="alert" className="error">{error}</p>;
  if (fields.some((f) => error.field(f))) return null;
  return <p role="alert" className="error">{error.message}</p>;
}

/** A link inside the app: no page load. */
export function Link({ to, children, className, ...rest }: {
  to: string; children: ReactNode; className?: string; "aria-label"?: string; title?: string;
}) {
  const go = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={go} className={className} {...rest}>{children}</a>;
}

/**
 * Runs a form's request, keeping what was typed on failure: the caller
 * gets `busy`, the `error` to show and `run` for onSubmit.
 */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else throw err;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** A one-line form that creates something by name (workspace, board, folder…). */
export function CreateByName({ label, button, placeholder, create }: {
  label: string; button: string; placeholder?: string; create: (name: string) => Promise<void>;
}) {
  const [name, setName] = useState("");
  const { busy, error, run } = useSubmit(async () => {
    await create(name.trim());
    setName("");
  });
  return (
    <form onSubmit={run} className="inline">
      <Field label={label} error={error?.field("name") ?? error?.message}>
        <input required maxLength={120} value={name} placeholder={placeholder}
          onChange={(e) => setName(e.target.value)} />
      </Field>
      <button type="submit" disabled={busy}>{button}</button>
    </form>
  );
}

/** A modal dialog: focus moves in on open, Esc closes, focus returns after. */
export function Dialog({ title, onClose, children, wide }: {
  title: string; onClose: () => void; children: ReactNode; wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // The latest onClose, so a parent's re-render does not re-run the focus effect.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    // The first field, not the ✕ in the header.
    const first = ref.current?.querySelector<HTMLElement>(":scope > :not(header) :is(input, select, textarea, button)")
      ?? ref.current?.querySelector<HTMLElement>("button");
    first?.focus();
    const key = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        close.current();
      } else if (e.key === "Tab" && ref.current) {
        // Keep Tab inside the dialog while it is open.
        const all = [...ref.current.querySelectorAll<HTMLElement>(
          "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])",
        )];
        if (all.length === 0) return;
        const [first, last] = [all[0], all[all.length - 1]];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && (document.activeElement === last || !ref.current.contains(document.activeElement))) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    window.addEventListener("keydown", key, true);
    return () => {
      window.removeEventListener("keydown", key, true);
      before?.focus();
    };
  }, []);
  return (
    // A click beside the dialog closes it; keyboards close it with Esc.
    <div className="backdrop" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={wide ? "dialog wide" : "dialog"} role="dialog" aria-modal="true"
        aria-label={title}>
        <header>
          <h2>{title}</h2>
          <button type="button" className="link" aria-label="Close" onClick={onClose}>✕</button>
        </header>
        {children}
      </div>
    </div>
  );
}

/** "3 minutes ago", for activity and comments. */
export function ago(iso: string, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 30) return `${d} d ago`;
  return new Date(iso).toLocaleDateString();
}

/** A destructive button that asks first, in place (no browser pop-up). */
export function ConfirmButton({ label, name, question, confirm, onConfirm }: {
  label: string; name: string; question: string; confirm: string; onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const { busy, error, run } = useSubmit(onConfirm);
  const yes = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    (asking ? yes : trigger).current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button ref={trigger} type="button" className="danger" aria-label={name} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm-inline" role="group" aria-label={question}>
      <span>{question}</span>
      <button ref={yes} type="button" className="danger" disabled={busy} onClick={() => run()}>
        {busy ? "One moment…" : confirm}
      </button>
      <button type="button" className="secondary" onClick={() => setAsking(false)}>Cancel</button>
      <ErrorNote error={error} />
    </span>
  );
}

/** Copies to the clipboard; when that is refused, selects the text for Ctrl+C. */
export async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input?.focus();
    input?.select();
    return false;
  }
}
