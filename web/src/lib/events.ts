// What a board event is about, whatever its kind (the API types every
// event; see BoardEvent in the API document).
import type { Schemas } from "../api/client";

export type BoardEvent = Schemas["BoardEvent"];

/** The picture an event is about, if any. */
export function assetOf(e: BoardEvent): string | undefined {
  if (e.kind === "review.submitted") return e.asset_ids.length === 1 ? e.asset_ids[0] : undefined;
  return "asset_id" in e && e.asset_id ? e.asset_id : undefined;
}

/** The picture a line about the event opens: none once it was deleted. */
export function linkedAsset(e: BoardEvent): string | undefined {
  return e.kind === "asset.deleted" ? undefined : assetOf(e);
}

/** The thread an event is about, if any. */
export function threadOf(e: BoardEvent): string | undefined {
  return "thread_id" in e ? e.thread_id : undefined;
}
