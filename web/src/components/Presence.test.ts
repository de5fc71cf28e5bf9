import { describe, expect, it } from "vitest";
import { AVATAR_COLOURS, avatarHue, initials } from "./Presence";

describe("presence avatars", () => {
  it("give each person a steady colour, and different people mostly different ones", () => {
    const ids = Array.from({ length: 60 }, (_, i) => `01936f4e-0000-7000-8000-${String(i).padStart(12, "0")}`);
    const hues = ids.map(avatarHue);
    expect(hues.every((h) => h >= 0 && h < AVATAR_COLOURS)).toBe(true);
    expect(avatarHue(ids[7])).toBe(hues[7]);
    expect(new Set(hues).size).toBe(AVATAR_COLOURS);
  });
  it("show initials", () => {
    expect(initials("Ada King Lovelace")).toBe("AL");
    expect(initials("  ")).toBe("?");
  });
});
