// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { applyEvent } from "../api/boards";
import type { Export } from "../api/exports";
import { BOARD } from "../test/fixtures";
import { standInNetwork } from "../test/network";
import { renderWithApp } from "../test/render";
import { ExportRecord } from "./ExportRecord";

const server = standInNetwork();
afterEach(cleanup);

const queued: Export = {
  id: "x1", board_id: BOARD, asset_id: "a1", format: "csv", state: "queued", done: 0, total: 0,
  file_name: "site-home-review-record.csv", bytes: 0, download_url: null, failure: null,
  created_at: "2026-12-07T10:00:00Z", finished_at: null,
};

describe("export review record", () => {
  it("asks for the chosen format, follows the stream's progress without polling, then offers the download", async () => {
    const posted: unknown[] = [];
    let gets = 0;
    server.use(
      http.post(`*/api/v1/boards/${BOARD}/exports`, async ({ request }) => {
        posted.push(await request.json());
        return HttpResponse.json(queued, { status: 202 });
      }),
      http.get("*/api/v1/exports/x1", () => {
        gets += 1;
        return HttpResponse.json({ ...queued, state: "ready", done: 3, total: 3, bytes: 2048, download_url: "/dl/x1" });
      }),
    );
    const { client } = renderWithApp(<ExportRecord boardId={BOARD} asset={{ id: "a1", title: "Home" }} onClose={() => {}} />);
    expect(screen.getByRole("heading", { name: "Export “Home”" })).toBeTruthy();
    fireEvent.click(screen.getByLabelText(/CSV, one row per comment/));
    fireEvent.click(screen.getByRole("button", { name: "Export" }));
    expect(await screen.findByText("Gathering the review…")).toBeTruthy();
    expect(posted).toEqual([{ format: "csv", asset_id: "a1" }]);

    const progress = (state: string, done: number) => act(() => applyEvent(client, BOARD, {
      kind: "export.progress", export_id: "x1", state, done, total: 3,
    }));
    progress("working", 1);
    expect(await screen.findByText("Laying out 1 of 3 pictures…")).toBeTruthy();
    expect(gets).toBe(0);
    progress("ready", 3);
    const link = await screen.findByRole("link", { name: "Download" });
    expect(link.getAttribute("href")).toBe("/dl/x1");
    expect(screen.getByRole("status").textContent).toBe("Ready: site-home-review-record.csv (2 KB).");
    expect(gets).toBe(1);
  });

  it("says why an export was refused", async () => {
    server.use(http.post(`*/api/v1/boards/${BOARD}/exports`, () => HttpResponse.json(
      { type: "about:blank", title: "Invalid", status: 422, detail: "no such asset on this board" },
      { status: 422, headers: { "content-type": "application/problem+json" } },
    )));
    renderWithApp(<ExportRecord boardId={BOARD} onClose={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Export" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/no such asset/i);
  });
});
