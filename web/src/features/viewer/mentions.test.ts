import { describe, expect, it } from "vitest";
import { activeMention, insertMention, suggest } from "./mentions";

const people = [
  { id: "1", display_name: "Ada Lovelace", handle: "adalovelace" },
  { id: "2", display_name: "Alan Turing", handle: "alanturing" },
  { id: "3", display_name: "Grace Hopper", handle: "gracehopper" },
  { id: "4", display_name: "Émile Ada", handle: "émileada" },
];

describe("mention autocomplete", () => {
  it("finds the @word right before the caret, only at a word start", () => {
    expect(activeMention("Hi @ad", 6)).toEqual({ start: 3, query: "ad" });
    expect(activeMention("@", 1)).toEqual({ start: 0, query: "" });
    expect(activeMention("mail me at a@b", 14)).toBeNull();
    expect(activeMention("Hi @ada and more", 16)).toBeNull();
    expect(activeMention("(@Gr", 4)).toEqual({ start: 1, query: "gr" });
  });

  it("suggests by handle first, then by any name word", () => {
    expect(suggest(people, "ad").map((p) => p.id)).toEqual(["1", "4"]);
    expect(suggest(people, "hop").map((p) => p.id)).toEqual(["3"]);
    expect(suggest(people, "").length).toBe(4);
    expect(suggest(people, "zz")).toEqual([]);
  });

  it("inserts the handle the server gave", () => {
    const r = insertMention("Hi @ad, look", 3, 6, people[0]);
    expect(r.text).toBe("Hi @adalovelace , look");
    expect(r.caret).toBe(16);
  });
});
