import { describe, expect, it } from "vitest";
import type { Event } from "../../api/client";
import { activityTarget, shownInActivity } from "./Activity";

const BOARD = "11111111-1111-1111-1111-111111111111";
const ASSET = "22222222-2222-2222-2222-222222222222";
const THREAD = "33333333-3333-3333-3333-333333333333";
const ev = (kind: string, payload: Record<string, unknown> = {}): Event => ({
  id: "e", board_id: BOARD, actor_id: null, actor_name: "Ana", created_at: "",
  event: { kind, ...payload } as unknown as Event["event"],
});

describe("a board's activity", () => {
  it("keeps what a filter asks for, and never progress reports", () => {
    expect(shownInActivity(ev("review.changed"), "decisions")).toBe(true);
    expect(shownInActivity(ev("comment.added"), "decisions")).toBe(false);
    expect(shownInActivity(ev("comment.added"), "comments")).toBe(true);
    expect(shownInActivity(ev("member.added"), "people")).toBe(true);
    expect(shownInActivity(ev("render.progress"), "all")).toBe(false);
    expect(shownInActivity(ev("version.ready"), "all")).toBe(false);
    expect(shownInActivity(ev("asset.added"), "all")).toBe(true);
  });

  it("leads to the thread, the picture, or the board", () => {
    expect(activityTarget(ev("comment.added", { asset_id: ASSET, thread_id: THREAD }))).toBe(`/a/${ASSET}?thread=${THREAD}`);
    expect(activityTarget(ev("review.changed", { asset_id: ASSET }))).toBe(`/a/${ASSET}`);
    expect(activityTarget(ev("share_link.created"))).toBe(`/b/${BOARD}`);
    // A deleted picture has no page to open: its line leads to the board.
    expect(activityTarget(ev("asset.deleted", { asset_id: ASSET }))).toBe(`/b/${BOARD}`);
    expect(activityTarget(ev("asset.renamed", { asset_id: ASSET }))).toBe(`/a/${ASSET}`);
  });
});
