// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { BOARD } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { ReviewBar } from "./ReviewBar";
import type { DraftItem, Review } from "./reviews";

const server = standInNetwork();
afterEach(cleanup);

const item = (id: string, body: string, asset = "a1", kind: DraftItem["kind"] = "thread"): DraftItem => ({
  id, review_id: "r1", kind, asset_id: asset, version_id: kind === "thread" ? "v1" : null, page: 1,
  shape: kind === "thread" ? { x: 0.5, y: 0.5, w: null, h: null } : null, thread_id: kind === "reply" ? "t1" : null,
  body, mentions: [], drawing: [], created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-01T10:00:00Z",
});

const draft = (items: DraftItem[]): Review => ({
  id: "r1", board_id: BOARD, state: "draft", name: "Ada", user_id: "u1", guest_id: null, summary: null,
  threads: 0, replies: 0, created_at: "2026-12-01T10:00:00Z", submitted_at: null, items,
});

describe("review bar", () => {
  it("starts a review", async () => {
    let started = 0;
    server.use(http.post(`*/api/v1/boards/${BOARD}/reviews`, () => {
      started += 1;
      return HttpResponse.json(draft([]), { status: 201 });
    }));
    renderWithApp(<ReviewBar boardId={BOARD} review={null} assetId="a1" versionId="v1" title="Home" canDecide />);
    fireEvent.click(screen.getByRole("button", { name: "Start a review" }));
    await waitFor(() => expect(started).toBe(1));
  });

  it("says why a review could not be started or a draft removed", async () => {
    const problem = (detail: string, status: number) => HttpResponse.json(
      { type: "about:blank", title: "Refused", status, detail },
      { status, headers: { "content-type": "application/problem+json" } },
    );
    server.use(
      http.post(`*/api/v1/boards/${BOARD}/reviews`, () => problem("you may not comment on this board", 403)),
      http.delete("*/api/v1/review-items/:id", () => problem("this review is submitted; start a new one", 409)),
    );
    renderWithApp(<ReviewBar boardId={BOARD} review={null} assetId="a1" versionId="v1" title="Home" canDecide />);
    fireEvent.click(screen.getByRole("button", { name: "Start a review" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/may not comment/i);
    cleanup();
    renderWithApp(<ReviewBar boardId={BOARD} review={draft([item("i1", "Bigger logo")])} assetId="a1" versionId="v1"
      title="Home" canDecide />);
    fireEvent.click(screen.getByRole("button", { name: "Remove draft: Bigger logo" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/submitted; start a new one/i);
  });

  it("lists this picture's drafts, counts the others, and submits them with the decision and summary", async () => {
    const submitted: unknown[] = [];
    const removed: string[] = [];
    server.use(
      http.post("*/api/v1/reviews/r1/submit", async ({ request }) => {
        submitted.push(await request.json());
        return HttpResponse.json({ ...draft([]), state: "submitted" });
      }),
      http.delete("*/api/v1/review-items/:id", ({ params }) => {
        removed.push(params.id as string);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const items = [item("i1", "Bigger logo"), item("i2", "Agreed", "a1", "reply"), item("i3", "Elsewhere", "a2")];
    renderWithApp(<ReviewBar boardId={BOARD} review={draft(items)} assetId="a1" versionId="v1" title="Home" canDecide />);
    expect(screen.getByText(/3 drafts, seen only by you \(1 on other pictures\)/)).toBeTruthy();
    expect(screen.getByText("Bigger logo")).toBeTruthy();
    expect(screen.queryByText("Elsewhere")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Remove draft: Agreed" }));
    await waitFor(() => expect(removed).toEqual(["i2"]));

    fireEvent.click(screen.getByRole("button", { name: "Submit review…" }));
    fireEvent.change(screen.getByLabelText("Summary (optional)"), { target: { value: "Close, two things" } });
    fireEvent.click(screen.getByLabelText("Request changes"));
    fireEvent.click(screen.getByRole("button", { name: "Submit review" }));
    await waitFor(() => expect(submitted).toEqual([
      { summary: "Close, two things", decisions: [{ version_id: "v1", status: "changes_requested" }] },
    ]));
  });

  it("submits as comment only for someone who may not decide", async () => {
    const submitted: unknown[] = [];
    server.use(http.post("*/api/v1/reviews/r1/submit", async ({ request }) => {
      submitted.push(await request.json());
      return HttpResponse.json({ ...draft([]), state: "submitted" });
    }));
    renderWithApp(<ReviewBar boardId={BOARD} review={draft([item("i1", "Hm")])} assetId="a1" versionId="v1" title="Home"
      canDecide={false} />);
    fireEvent.click(screen.getByRole("button", { name: "Submit review…" }));
    expect(screen.queryByLabelText("Approve")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Submit review" }));
    await waitFor(() => expect(submitted).toEqual([{ summary: null, decisions: [] }]));
  });
});
