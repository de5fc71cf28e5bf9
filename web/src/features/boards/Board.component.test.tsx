// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyEvent, upsertAsset } from "../../api/boards";
import { asset, board, BOARD, capture, noSettings, version } from "../../test/fixtures";
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
        HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: false }, { asset_count: 1 }))),
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
    // The old page asked again every 1.5 s; now nothing is asked until the
    // stream says so, however long the page stays open.
    vi.useFakeTimers({ toFake: ["setTimeout", "setInterval"] });
    vi.advanceTimersByTime(60_000);
    vi.useRealTimers();
    await new Promise((r) => setTimeout(r, 20));
    expect(gets).toEqual([]);
    ready = true;
    act(() => applyEvent(client, BOARD, { kind: "version.ready", asset_id: "a1", version_id: "v1", number: 1, title: "Home" }));
    await waitFor(() =>
      expect(document.querySelector(".asset-card img")?.getAttribute("src")).toBe("/thumbs/v1.webp"));
    expect(screen.queryByText("Processing…")).toBeNull();
    expect(gets).toEqual(["a1"]);
  });

  it("asks nothing when the stream, lagging, reports what a card already shows", async () => {
    const gets: string[] = [];
    const ready = asset("a1", "Home", version("v1", "a1", "ready"));
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: false }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [ready], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
      http.get("*/api/v1/assets/a1", () => {
        gets.push("a1");
        return HttpResponse.json({ ...ready, versions: [ready.current_version] });
      }),
    );
    const { client } = renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByText("Home");
    act(() => applyEvent(client, BOARD, { kind: "version.ready", asset_id: "a1", version_id: "v1", number: 1, title: "Home" }));
    await new Promise((r) => setTimeout(r, 20));
    expect(gets).toEqual([]);
    // A version it does not show yet is fetched.
    act(() => applyEvent(client, BOARD, { kind: "version.ready", asset_id: "a1", version_id: "v2", number: 2, title: "Home" }));
    await waitFor(() => expect(gets).toEqual(["a1"]));
  });

  it("follows another person's rename, reorder and delete of pictures", async () => {
    const gets: string[] = [];
    let titles = ["Home", "Pricing", "About"];
    const ids: Record<string, string> = { Home: "a1", "Home v2": "a1", Pricing: "a2", About: "a3" };
    const listed = () => titles.map((t, i) => asset(ids[t], t, version(`v${ids[t]}`, ids[t], "ready"), i));
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: false }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => {
        gets.push("list");
        return HttpResponse.json({ items: listed(), next_cursor: null });
      }),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
      http.get("*/api/v1/assets/:id", ({ params }) => {
        gets.push(String(params.id));
        const a = listed().find((x) => x.id === params.id)!;
        return HttpResponse.json({ ...a, versions: [a.current_version] });
      }),
    );
    const cardTitles = () => [...document.querySelectorAll(".asset-card")].map((c) => c.textContent ?? "");
    const { client } = renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByText("About");
    gets.length = 0;
    titles = ["Home v2", "Pricing", "About"];
    act(() => applyEvent(client, BOARD, { kind: "asset.renamed", asset_id: "a1", title: "Home v2", previous_title: "Home" }));
    await screen.findByText("Home v2");
    expect(gets).toEqual(["a1"]);
    titles = ["About", "Home v2", "Pricing"];
    act(() => applyEvent(client, BOARD, { kind: "asset.moved", asset_id: "a3", title: "About", position: 0 }));
    await waitFor(() => expect(cardTitles()[0]).toContain("About"));
    expect(cardTitles()[1]).toContain("Home v2");
    expect(gets).toEqual(["a1", "list"]);
    titles = ["About", "Home v2"];
    act(() => applyEvent(client, BOARD, { kind: "asset.deleted", asset_id: "a2", title: "Pricing", versions: 1, open_threads: 2 }));
    await waitFor(() => expect(screen.queryByText("Pricing")).toBeNull());
    expect(cardTitles()).toHaveLength(2);
    // The card goes from the event alone: nothing is asked about a picture that is gone.
    expect(gets).toEqual(["a1", "list"]);
  });

  it("keeps the status filter in the address", async () => {
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: false }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({
        items: [
          { ...asset("a1", "Home", version("v1", "a1", "ready")), review_status: "approved" },
          asset("a2", "Pricing", version("v2", "a2", "ready")),
        ],
        next_cursor: null,
      })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
    );
    window.history.replaceState(null, "", `/b/${BOARD}?status=approved`);
    renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByText("Home");
    expect(screen.queryByText("Pricing")).toBeNull();
    expect(screen.getByRole("button", { name: "Approved", pressed: true })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: /^All/ }));
    await screen.findByText("Pricing");
    expect(window.location.search).toBe("");
    fireEvent.click(screen.getByRole("button", { name: "Changes requested" }));
    expect(window.location.search).toBe("?status=changes_requested");
    window.history.replaceState(null, "", "/");
  });

  it("uploads a picture pasted on the board, but not text pasted in a field", async () => {
    const created: string[] = [];
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: false }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
      http.post(`*/api/v1/boards/${BOARD}/uploads`, async ({ request }) => {
        created.push(((await request.json()) as { file_name: string }).file_name);
        return HttpResponse.json({ type: "about:blank", title: "No", status: 422, detail: "no" }, { status: 422 });
      }),
    );
    renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByRole("button", { name: "Upload pictures" });
    const paste = (target: EventTarget) => {
      const e = new Event("paste", { bubbles: true, cancelable: true });
      const file = new File([new Uint8Array([137, 80, 78, 71])], "image.png", { type: "image/png" });
      Object.defineProperty(e, "clipboardData", { value: { files: [file] } });
      act(() => { target.dispatchEvent(e); });
      return e;
    };
    const field = document.createElement("textarea");
    document.body.append(field);
    expect(paste(field).defaultPrevented).toBe(false);
    field.remove();
    expect(paste(document.body).defaultPrevented).toBe(true);
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatch(/^Pasted \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/);
  });

  it("offers uploads only to those who may edit, as the board says", async () => {
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: false, manage: false, capture: false }))),
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

  it("shows a capture's progress from the stream alone, and offers another try when it fails", async () => {
    const gets: string[] = [];
    let failed = false;
    const current = () => capture("a1", "example.com/pricing — desktop", version("v1", "a1", failed ? "failed" : "queued"), {
      failure: failed ? "the page did not load in 30 s" : null,
    });
    const retries: string[] = [];
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: true }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [current()], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
      http.get("*/api/v1/assets/a1", () => {
        gets.push("a1");
        return HttpResponse.json({ ...current(), versions: [current().current_version] });
      }),
      http.post("*/api/v1/assets/a1/recapture", () => {
        retries.push("a1");
        failed = false;
        return HttpResponse.json(current(), { status: 201 });
      }),
    );
    const { client } = renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByText("Waiting to capture…");
    expect(screen.getByText("example.com/pricing · desktop")).toBeTruthy();
    const stage = (state: "loading" | "capturing") => act(() => applyEvent(client, BOARD, {
      kind: "capture.progress", asset_id: "a1", version_id: "v1", number: 1, title: "", state,
    }));
    stage("loading");
    await screen.findByText("Loading the page…");
    stage("capturing");
    await screen.findByText("Capturing…");
    // Each stage is drawn from its event: no request for it.
    expect(gets).toEqual([]);
    failed = true;
    act(() => applyEvent(client, BOARD, {
      kind: "version.failed", asset_id: "a1", version_id: "v1", number: 1, title: "", failure: "the page did not load in 30 s",
    }));
    await screen.findByText("Could not be captured: the page did not load in 30 s");
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await screen.findByText("Waiting to capture…");
    expect(retries).toEqual(["a1"]);
  });

  it("says how much a re-capture changed once the stream tells it was worked out", async () => {
    let worked = false;
    const v2 = () => ({ ...version("v2", "a1", "ready"), number: 2, changed_percent: worked ? 12.44 : null });
    const current = () => ({ ...capture("a1", "example.com — desktop", v2()), version_count: 2 });
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: true }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [current()], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
      http.get("*/api/v1/assets/a1", () => HttpResponse.json({ ...current(), versions: [v2()] })),
    );
    const { client } = renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByText("example.com — desktop");
    expect(screen.queryByText(/% changed/)).toBeNull();
    worked = true;
    act(() => applyEvent(client, BOARD, {
      kind: "changes.ready", asset_id: "a1", version_id: "v2", number: 2, title: "", against: "v1", page: 1, changed_percent: 12.44,
    }));
    expect((await screen.findByText("12 % changed")).title).toBe("From version 1 to 2");
  });

  it("shows another person's retry of a failed capture, and never undoes a ready card", async () => {
    const gets: string[] = [];
    const failed = capture("a1", "Pricing — desktop", version("v1", "a1", "failed"), { failure: "the page answered 404" });
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: true }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [failed], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
      http.get("*/api/v1/assets/a1", () => {
        gets.push("a1");
        return HttpResponse.json({ ...failed, versions: [failed.current_version] });
      }),
    );
    const { client } = renderWithApp(<BoardPage id={BOARD} signedIn />);
    await screen.findByText("Could not be captured: the page answered 404");
    act(() => applyEvent(client, BOARD, {
      kind: "capture.requested", asset_id: "a1", version_id: "v1", number: 1, title: "Pricing — desktop",
      url: "https://example.com/pricing", width: 1440,
    }));
    await screen.findByText("Waiting to capture…");
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
    expect(gets).toEqual([]);
    // Ready, then a late answer from before (still processing): the card stays ready.
    const ready = capture("a1", "Pricing — desktop", version("v1", "a1", "ready"));
    act(() => upsertAsset(client, BOARD, ready));
    await waitFor(() => expect(document.querySelector(".asset-card img")).toBeTruthy());
    act(() => upsertAsset(client, BOARD, capture("a1", "Pricing — desktop", version("v1", "a1", "processing"))));
    await new Promise((r) => setTimeout(r, 20));
    expect(document.querySelector(".asset-card img")).toBeTruthy();
  });

  it("adds a website at the chosen widths, once, and shows the server's reason for refusing one", async () => {
    const asked: { key: string | null; body: unknown }[] = [];
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: true }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
      http.post(`*/api/v1/boards/${BOARD}/captures`, async ({ request }) => {
        const body = await request.json() as { url: string };
        asked.push({ key: request.headers.get("idempotency-key"), body });
        if (body.url.includes("127.0.0.1")) {
          return HttpResponse.json({
            type: "urn:critboard:problem:validation", title: "Some fields are not valid", status: 422, detail: "",
            errors: [{ field: "url", message: "the address is not allowed: 127.0.0.1 is a loopback address" }],
          }, { status: 422 });
        }
        return HttpResponse.json({
          assets: [capture("c1", "example.com — desktop", version("v1", "c1", "queued"), {}, 0),
            capture("c2", "example.com — 768 px", version("v2", "c2", "queued"), { capture_width: 768 }, 1)],
        }, { status: 201 });
      }),
    );
    renderWithApp(<BoardPage id={BOARD} signedIn />);
    fireEvent.click(await screen.findByRole("button", { name: "Add website" }));
    fireEvent.change(screen.getByLabelText(/^Page address/), { target: { value: "http://127.0.0.1/" } });
    fireEvent.click(screen.getByLabelText("Mobile (390 px)"));
    fireEvent.click(screen.getByLabelText("Tablet (768 px)"));
    fireEvent.click(screen.getByRole("button", { name: "Capture" }));
    await screen.findByText("the address is not allowed: 127.0.0.1 is a loopback address");
    fireEvent.change(screen.getByLabelText(/^Page address/), { target: { value: "example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Capture" }));
    await screen.findByText("example.com — 768 px");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(asked.map((a) => a.body)).toEqual([
      { url: "http://127.0.0.1/", widths: [1440, 768] },
      { url: "example.com", widths: [1440, 768] },
    ]);
    // Both tries of one dialog carry the same key: a retried request captures once.
    expect(asked[0].key).toBeTruthy();
    expect(asked[1].key).toBe(asked[0].key);
  });

  it("explains that capture needs Chromium when the server has none", async () => {
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: false }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
    );
    renderWithApp(<BoardPage id={BOARD} signedIn />);
    fireEvent.click(await screen.findByRole("button", { name: "Add website" }));
    await screen.findByText(/Website capture is not available on this server: it needs Chromium/);
    expect(screen.queryByLabelText("Page address")).toBeNull();
  });

  it("leads back to the board's folder, and counts open threads without emoji", async () => {
    const withThreads = asset("a1", "Home", { ...version("v1", "a1", "ready"), open_thread_count: 3 });
    server.use(
      http.get(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(
        board({ comment: true, edit: true, manage: true, capture: false }, { folder_id: "f1", asset_count: 1 }))),
      http.get(`*/api/v1/boards/${BOARD}/assets`, () => HttpResponse.json({ items: [withThreads], next_cursor: null })),
      http.get("*/api/v1/me/notification-settings", () => HttpResponse.json(noSettings)),
    );
    renderWithApp(<BoardPage id={BOARD} signedIn />);
    const back = await screen.findByRole("link", { name: "← Folder" });
    expect(back.getAttribute("href")).toBe(`/w/${board({ comment: true, edit: true, manage: true, capture: false }).workspace_id}?folder=f1`);
    expect(screen.getByTitle("Open threads").textContent).toBe("Open threads: 3");
    // One picture is "1 picture", not "1 pictures".
    expect(screen.getByText(/^1 picture · 0 open threads · 0 approved/)).toBeTruthy();
  });
});
