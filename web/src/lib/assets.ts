// Assets as every screen shows them.
import type { ReviewStatus } from "../api/client";

export const STATUS_LABEL: Record<ReviewStatus, string> = {
  in_review: "In review",
  changes_requested: "Changes requested",
  approved: "Approved",
};

const DECIDED: Record<ReviewStatus, string> = {
  approved: "Approved",
  changes_requested: "Changes requested",
  in_review: "Back in review",
};

/** Who made a decision, with their role on the board: "Cleo (guest)". */
export function reviewerName(name: string, role?: string | null): string {
  return role ? `${name} (${role})` : name;
}

/**
 * A decision in words: "Approved by Cleo (guest) · 2 h ago". Null while a
 * version is simply in review (nobody decided, or nobody is known).
 */
export function decisionText(
  status: ReviewStatus, reviewer: { name: string; role?: string | null } | null | undefined, at: string | null | undefined,
  ago: (iso: string) => string,
): string | null {
  if (!reviewer || (status === "in_review" && !at)) return null;
  const when = at ? ` · ${ago(at)}` : "";
  return `${DECIDED[status]} by ${reviewerName(reviewer.name, reviewer.role)}${when}`;
}

/** "12 % changed", for a card: how much a version changed from the one before. */
export function changedLabel(percent: number): string {
  if (percent === 0) return "Unchanged";
  if (percent < 0.1) return "< 0.1 % changed";
  return `${percent.toLocaleString("en", { maximumFractionDigits: percent < 10 ? 1 : 0 })} % changed`;
}
