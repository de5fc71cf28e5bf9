import { describe, expect, it } from "vitest";
import { dueLabel, expiryFromDate, localDate } from "./dates";

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

describe("due dates in words", () => {
  const now = new Date(2030, 2, 9, 10, 0);
  it("counts days in local time, and says when a review is late", () => {
    expect(dueLabel(new Date(2030, 2, 9, 23, 59).toISOString(), now)).toEqual({ text: "Due today", overdue: false });
    expect(dueLabel(new Date(2030, 2, 10, 23, 59).toISOString(), now)).toEqual({ text: "Due tomorrow", overdue: false });
    const later = dueLabel(new Date(2030, 2, 15, 23, 59).toISOString(), now);
    expect(later.text).toMatch(/^Due .*15/);
    const late = dueLabel(new Date(2030, 2, 8, 23, 59).toISOString(), now);
    expect(late.overdue).toBe(true);
    expect(late.text).toMatch(/^Overdue since .*8/);
  });
});
