import { describe, expect, it } from "vitest";
import { pieces } from "./CommentText";

describe("comment text", () => {
  it("keeps markup, right-to-left overrides and combining marks as plain text", () => {
    for (const text of ["<img src=x onerror=alert(1)>", "\u202Eevil.exe\u202C", `Z${"\u0301".repeat(500)}`, "👩\u200D👩\u200D👧"]) {
      expect(pieces(text)).toEqual([{ kind: "text", text }]);
    }
  });

  it("keeps line breaks and tabs as typed", () => {
    expect(pieces("line one\nline two\n\tthree")).toEqual([{ kind: "text", text: "line one\nline two\n\tthree" }]);
  });

  it("turns web addresses into links, without the sentence's punctuation", () => {
    expect(pieces("See https://example.com/a?b=1, then (https://x.io/y).")).toEqual([
      { kind: "text", text: "See " },
      { kind: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { kind: "text", text: ", then (" },
      { kind: "link", text: "https://x.io/y", href: "https://x.io/y" },
      { kind: "text", text: ")." },
    ]);
    expect(pieces("https://en.wikipedia.org/wiki/Foo_(bar)")[0]).toEqual({
      kind: "link", text: "https://en.wikipedia.org/wiki/Foo_(bar)", href: "https://en.wikipedia.org/wiki/Foo_(bar)",
    });
  });

  it("links http and https only", () => {
    for (const text of ["javascript:alert(1)", "data:text/html,x", "ftp://example.com/f", "file:///etc/passwd"]) {
      expect(pieces(text).every((p) => p.kind !== "link")).toBe(true);
    }
    expect(pieces("http://")[0].kind).toBe("text");
  });

  it("sets off mentions, and never mistakes an address for one", () => {
    expect(pieces("mail ada@example.com")).toEqual([{ kind: "text", text: "mail ada@example.com" }]);
    expect(pieces("@bob@example.com hi")[0]).toEqual({ kind: "mention", text: "@bob@example.com" });
    expect(pieces("@ada look\nhttps://a.b/@c")).toEqual([
      { kind: "mention", text: "@ada" },
      { kind: "text", text: " look\n" },
      { kind: "link", text: "https://a.b/@c", href: "https://a.b/@c" },
    ]);
  });
});
