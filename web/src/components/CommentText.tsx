// A comment as people typed it: never HTML, line breaks kept (by the
// `comment-text` style), @mentions set off and web addresses as links.

export type Piece =
  | { kind: "text"; text: string }
  | { kind: "mention"; text: string }
  | { kind: "link"; text: string; href: string };

// Mentions as the server reads them (crates/domain/src/discussion.rs,
// `mention_tokens`): `@` at the start of a word, then letters, digits and
// `._-+@`, without a trailing `.`, `-` or `@`.
const PATTERN = /(https?:\/\/[^\s<>"]+)|((?<=^|[\s([{"'])@[\p{L}\p{N}._+@-]*[\p{L}\p{N}_+])/giu;
/** Punctuation that ends a sentence rather than the address. */
const TRAILING = /[.,;:!?'"»”’]+$/u;

/** The address at the start of `candidate`, or null when it is not a web address. */
function webAddress(candidate: string): string | null {
  let url = candidate.replace(TRAILING, "");
  // "(see https://x.y/a)": the closing bracket belongs to the sentence.
  while (url.endsWith(")") && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) {
    url = url.slice(0, -1).replace(TRAILING, "");
  }
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/** The text cut into plain runs, mentions and links. */
export function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  const push = (p: Piece) => {
    const last = out[out.length - 1];
    if (p.kind === "text" && last?.kind === "text") last.text += p.text;
    else if (p.text) out.push(p);
  };
  for (const m of text.matchAll(PATTERN)) {
    const start = m.index ?? 0;
    push({ kind: "text", text: text.slice(at, start) });
    if (m[1]) {
      const url = webAddress(m[1]);
      if (url) {
        push({ kind: "link", text: url, href: url });
        at = start + url.length;
        continue;
      }
      push({ kind: "text", text: m[1] });
    } else {
      push({ kind: "mention", text: m[2] });
    }
    at = start + m[0].length;
  }
  push({ kind: "text", text: text.slice(at) });
  return out;
}

export function CommentText({ text, className = "comment-text" }: { text: string; className?: string }) {
  return (
    <span className={className}>
      {pieces(text).map((p, i) =>
        p.kind === "link" ? (
          <a key={i} href={p.href} target="_blank" rel="noopener noreferrer nofollow">{p.text}</a>
        ) : p.kind === "mention" ? (
          <span key={i} className="mention">{p.text}</span>
        ) : (
          p.text
        ),
      )}
    </span>
  );
}
