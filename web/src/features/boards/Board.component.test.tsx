// @vitest-environment happy-dom
import { act, cleanup, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { applyEvent } from "../../api/boards";
import { asset, board, BOARD, noSettings, version } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { BoardPage } from "./Board";

const server = standInNetwork();
afterEach(cleanup);

describe("board page", () => {
  it("shows a processing picture until its version.ready event, without polling", async () => {
    const gets: string[] = [];
    let ready = false;
    const current = () => asset("a1", "Home", version("v1", "a1", ready ? "ready" : "processing"));
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () =>
        HttpResponse.json(board({ comment: true, edit: true, manage: true }, { asset_count: 1 }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [current()], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
      http.get("*/api/v1/assets/a1", () => {
        gets.push("a1");
        return HttpResponse.json({ ...current(), versions: [current().current_version] });
      }),
    );
    const { client } = renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByText("Home");
    expect(screen.getByText("Processing…")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Upload pictures" })).toBeTruthy();
    // The old page asked again every 1.5 s; now nothing is asked until the stream says so.
    await new Promise((r) => setTimeout(r, 1700));
    expect(gets).toEqual([]);
    ready = true;
    act(() => applyEvent(client, BOARD, { kind: "version.ready", asset_id: "a1", version_id: "v1", number: 1, title: "Home" }));
    await waitFor(() =>
      expect(document.querySelector(".asset-card img")?.getAttribute("src")).toBe("/thumbs/v1.webp"));
    expect(screen.queryByText("Processing…")).toBeNull();
    expect(gets).toEqual(["a1"]);
  });

  it("offers uploads only to those who may edit, as the board says", async () => {
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: false, manage: false }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
    );
    renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByText("No pictures yet. They appear here as soon as someone uploads them.");
    expect(screen.queryByRole("button", { name: "Upload pictures" })).toBeNull();
  });

  it("says so when the board does not exist or is not shared", async () => {
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(
        { type: "urn:critboard:problem:not-found", title: "Not found", status: 404, detail: "not found" },
        { status: 404 })),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({}, { status: 404 })),
    );
    renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByRole("heading", { name: "This board does not exist, or is not shared with you" });
    expect(screen.getByRole("link", { name: "Go to your workspaces" })).toBeTruthy();
  });
});
