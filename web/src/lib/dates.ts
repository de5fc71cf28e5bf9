// Days as date inputs show them, and the instants they stand for.

/** A date as the `YYYY-MM-DD` of a date input, in local time. */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A date input's day as an instant: the end of that day, local time (a link's expiry, a due date). */
export function expiryFromDate(day: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59).toISOString();
}

const DAY = 86_400_000;

/**
 * A review's due date as the board shows it: "Due today", "Due tomorrow",
 * "Due Fri 15 Jan", or "Overdue since Fri 15 Jan" (then `overdue`).
 */
export function dueLabel(dueAt: string, now: Date = new Date()): { text: string; overdue: boolean } {
  const due = new Date(dueAt);
  const day = due.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
  if (due.getTime() < now.getTime()) return { text: `Overdue since ${day}`, overdue: true };
  const days = Math.round((new Date(localDate(due)).getTime() - new Date(localDate(now)).getTime()) / DAY);
  if (days === 0) return { text: "Due today", overdue: false };
  if (days === 1) return { text: "Due tomorrow", overdue: false };
  return { text: `Due ${day}`, overdue: false };
}
