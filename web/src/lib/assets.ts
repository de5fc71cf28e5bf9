// Assets as every screen shows them.
import type { ReviewStatus } from "../api/client";

export const STATUS_LABEL: Record<ReviewStatus, string> = {
  in_review: "In review",
  changes_requested: "Changes requested",
  approved: "Approved",
};
