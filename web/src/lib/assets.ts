// Assets as every screen shows them.
import { api, type Asset, type ReviewStatus, type Schemas } from "../api/client";

export const STATUS_LABEL: Record<ReviewStatus, string> = {
  in_review: "In review",
  changes_requested: "Changes requested",
  approved: "Approved",
};

/** Fetches every asset of a board, page by page, in board order. */
export async function allAssets(boardId: string): Promise<Asset[]> {
  const out: Asset[] = [];
  let cursor: string | null | undefined = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page: Schemas["Page_AssetOut"] = await api("GET", `/api/v1/boards/${boardId}/assets?limit=200${q}`);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}
