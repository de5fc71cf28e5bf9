// @mention autocomplete: the server turns `@handle` into a mention and
// tells each person's handle (GET /boards/{id}/people), so that is what we
// insert; Settings shows one's own from GET /me.

export interface Person {
  id: string;
  display_name: string;
  handle: string;
}

/** The `@word` being typed right before the caret, if any. */
export function activeMention(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = before.match(/(^|[\s([{"'])@([\p{L}\p{N}._+-]*)$/u);
  if (!m) return null;
  return { start: caret - m[2].length - 1, query: m[2].toLowerCase() };
}

/** People whose handle or any name word starts with the query; handle matches first. */
export function suggest(people: Person[], query: string, limit = 6): Person[] {
  const q = query.toLowerCase();
  const score = (p: Person) => {
    const handle = p.handle;
    if (handle.startsWith(q)) return 0;
    if (p.display_name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q))) return 1;
    return handle.includes(q) ? 2 : -1;
  };
  return people
    .map((p) => ({ p, s: score(p) }))
    .filter(({ s }) => s >= 0)
    .sort((a, b) => a.s - b.s || a.p.display_name.localeCompare(b.p.display_name))
    .slice(0, limit)
    .map(({ p }) => p);
}

/** Replaces the typed `@query` with the person's handle and a space. */
export function insertMention(text: string, start: number, caret: number, person: Person) {
  const inserted = `@${person.handle} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}
