import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { describeNotification, notificationTarget } from "./Inbox";

const BOARD = "11111111-1111-1111-1111-111111111111";
const ASSET = "22222222-2222-2222-2222-222222222222";
const THREAD = "33333333-3333-3333-3333-333333333333";
const ME = "44444444-4444-4444-4444-444444444444";

function note(kind: string, payload: Record<string, unknown>, mention = false): Schemas["NotificationOut"] {
  const event = { kind, number: 0, ...payload } as unknown as Schemas["BoardEvent"];
  return {
    id: "55555555-5555-5555-5555-555555555555",
    board_id: BOARD,
    board_name: "Homepage",
    mention,
    read_at: null,
    event: {
      id: "55555555-5555-5555-5555-555555555555",
      board_id: BOARD,
      actor_id: null,
      actor_name: "Ana",
      event,
      created_at: "2024-05-01T10:00:00Z",
    },
  };
}

describe("describeNotification", () => {
  it("names the thread of a reply, and says so when it mentions you", () => {
    const p = { asset_id: ASSET, thread_id: THREAD, number: 3 };
    expect(describeNotification(note("comment.added", p))).toBe("replied in #3");
    expect(describeNotification(note("comment.added", p, true))).toBe("mentioned you in #3");
    expect(describeNotification(note("thread.opened", p))).toBe("started thread #3");
  });

  it("names the picture when the event knows it", () => {
    const p = { asset_id: ASSET, thread_id: THREAD, number: 3, title: "Home" };
    expect(describeNotification(note("comment.added", p))).toBe("replied in #3 on “Home”");
    expect(describeNotification(note("thread.resolved", p))).toBe("resolved #3 on “Home”");
    expect(describeNotification(note("thread.opened", { ...p, page: 7 }))).toBe("started thread page 7, #3 on “Home”");
    expect(describeNotification(note("review.changed", { number: 2, status: "approved", title: "Home" })))
      .toBe("approved version 2 of “Home”");
  });

  it("tells a submitted review as one line, and opens its picture when it touched one", () => {
    const decision = { asset_id: ASSET, version_id: THREAD, number: 2, title: "Home", status: "changes_requested" };
    const review = { review_id: THREAD, threads: 2, replies: 1, asset_ids: [ASSET], decisions: [decision] };
    expect(describeNotification(note("review.submitted", review)))
      .toBe("submitted a review: 2 new threads, 1 reply, requested changes on version 2 of “Home”");
    expect(describeNotification(note("review.submitted", { ...review, threads: 1, replies: 0, decisions: [] }, true)))
      .toBe("mentioned you in a review: 1 new thread");
    expect(notificationTarget(note("review.submitted", review))).toBe(`/a/${ASSET}`);
    expect(notificationTarget(note("review.submitted", { ...review, asset_ids: [ASSET, BOARD] }))).toBe(`/b/${BOARD}`);
  });

  it("reads review changes as decisions", () => {
    expect(describeNotification(note("review.changed", { number: 2, status: "approved" }))).toBe("approved version 2");
    expect(describeNotification(note("review.changed", { number: 2, status: "changes_requested" })))
      .toBe("requested changes on version 2");
  });

  it("quotes the picture's title for uploads", () => {
    expect(describeNotification(note("asset.added", { title: "Hero" }))).toBe("added “Hero”");
    expect(describeNotification(note("version.added", { title: "Hero", number: 4 })))
      .toBe("uploaded version 4 of “Hero”");
  });

  it("says what went with a deleted picture", () => {
    expect(describeNotification(note("asset.deleted", { title: "Hero", versions: 2, open_threads: 3 })))
      .toBe("deleted “Hero” with 3 open threads");
    expect(describeNotification(note("asset.deleted", { title: "Hero", versions: 1, open_threads: 1 })))
      .toBe("deleted “Hero” with 1 open thread");
    expect(describeNotification(note("asset.deleted", { title: "Hero", versions: 1, open_threads: 0 })))
      .toBe("deleted “Hero”");
    expect(describeNotification(note("asset.renamed", { title: "Hero v2", previous_title: "Hero" })))
      .toBe("renamed “Hero” to “Hero v2”");
  });

  it("says 'you' when a membership event is about the reader", () => {
    const p = { user_id: ME, name: "Cy Twombly", role: "editor" };
    expect(describeNotification(note("member.added", p), ME)).toBe("added you to the board as an editor");
    expect(describeNotification(note("member.added", p), "someone-else")).toBe("added Cy Twombly to the board as an editor");
    expect(describeNotification(note("member.removed", p), "someone-else")).toBe("removed Cy Twombly from the board");
    expect(describeNotification(note("member.added", { ...p, invitation: true }), ME)).toBe("joined the board as an editor");
  });

  it("falls back to the kind for events it does not know", () => {
    expect(describeNotification(note("board.painted_blue", {}))).toBe("board painted blue");
  });
});

describe("notificationTarget", () => {
  it("opens the thread on its picture", () => {
    expect(notificationTarget(note("comment.added", { asset_id: ASSET, thread_id: THREAD })))
      .toBe(`/a/${ASSET}?thread=${THREAD}`);
  });
  it("opens the picture when there is no thread", () => {
    expect(notificationTarget(note("asset.added", { asset_id: ASSET }))).toBe(`/a/${ASSET}`);
  });
  it("opens the board for a picture that was deleted", () => {
    expect(notificationTarget(note("asset.deleted", { asset_id: ASSET }))).toBe(`/b/${BOARD}`);
  });
  it("opens the board otherwise", () => {
    expect(notificationTarget(note("member.added", { user_id: ME }))).toBe(`/b/${BOARD}`);
  });
});
