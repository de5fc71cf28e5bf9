import { describe, expect, it } from "vitest";
import { expiryFromDate, localDate } from "./ShareDialog";

describe("share link expiry", () => {
  it("ends at the very end of the chosen local day", () => {
    const iso = expiryFromDate("2030-03-09");
    expect(iso).not.toBeNull();
    const d = new Date(iso as string);
    expect(localDate(d)).toBe("2030-03-09");
    expect([d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([23, 59, 59]);
  });
  it("is null for an empty or malformed date", () => {
    expect(expiryFromDate("")).toBeNull();
    expect(expiryFromDate("9 March")).toBeNull();
  });
  it("formats dates as a date input expects", () => {
    expect(localDate(new Date(2031, 0, 5))).toBe("2031-01-05");
  });
});
