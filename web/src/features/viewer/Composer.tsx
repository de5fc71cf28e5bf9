// A comment box with @mention autocomplete. What was typed stays when
// posting fails.
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { ApiError } from "../../api/client";
import { activeMention, insertMention, suggest, type Person } from "./mentions";
import { newKey } from "../../lib/idempotency";

interface Props {
  label: string;
  submitLabel: string;
  people: Person[];
  initial?: string;
  /** Focus the box when it appears (it opens because the person just asked to write). */
  focusOnOpen?: boolean;
  /** `key` stays the same across retries of one text, so a retry never posts twice. */
  onSubmit: (body: string, key: string) => Promise<void>;
  onCancel?: () => void;
}

const MAX = 5000;

export function Composer({ label, submitLabel, people, initial = "", focusOnOpen, onSubmit, onCancel }: Props) {
  const [text, setText] = useState(initial);
  const [caret, setCaret] = useState(initial.length);
  const [pick, setPick] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const key = useRef(newKey());
  useEffect(() => {
    if (focusOnOpen) area.current?.focus();
  }, [focusOnOpen]);

  const mention = activeMention(text, caret);
  const options = mention ? suggest(people, mention.query) : [];
  const listId = useRef(`mentions-${Math.random().toString(36).slice(2)}`).current;

  const choose = (p: Person) => {
    if (!mention) return;
    const r = insertMention(text, mention.start, caret, p);
    setText(r.text);
    setCaret(r.caret);
    setPick(0);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(r.caret, r.caret);
    });
  };

  const submit = async () => {
    if (busy) return;
    const body = text.trim();
    if (!body) {
      setError("Write something first.");
      return;
    }
    if (body.length > MAX) {
      setError(`Keep it under ${MAX} characters.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(body, key.current);
      key.current = newKey();
      setText("");
      setCaret(0);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError(e.field("body") ?? e.message);
    } finally {
      setBusy(false);
    }
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (options.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setPick((i) => (i + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        choose(options[Math.min(pick, options.length - 1)]);
        return;
      }
    }
    if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      void submit();
    } else if (e.key === "Escape" && onCancel) {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    }
  };

  return (
    <form className="composer" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <textarea ref={area} value={text} rows={3} maxLength={MAX} placeholder={`${label} — @ to mention`}
          aria-label={label} onKeyDown={onKey}
          role="combobox" aria-expanded={options.length > 0} aria-controls={listId} aria-autocomplete="list"
          aria-activedescendant={options.length ? `${listId}-${Math.min(pick, options.length - 1)}` : undefined}
          onChange={(e) => { setText(e.target.value); setCaret(e.target.selectionStart); setPick(0); }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)} />
      {options.length > 0 && (
        <ul className="mention-list" role="listbox" id={listId} aria-label="People to mention">
          {options.map((p, i) => (
            <li key={p.id} id={`${listId}-${i}`} role="option" aria-selected={i === Math.min(pick, options.length - 1)}
              onMouseDown={(e) => { e.preventDefault(); choose(p); }}>
              {p.display_name}
            </li>
          ))}
        </ul>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      <div className="composer-actions">
        {onCancel && <button type="button" className="secondary" onClick={onCancel}>Cancel</button>}
        <button type="submit" disabled={busy}>{busy ? "Posting…" : submitLabel}</button>
      </div>
    </form>
  );
}
