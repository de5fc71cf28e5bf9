// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { applyEvent } from "../../api/boards";
import { BOARD, version } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import type { Changes } from "./changes";
import { Compare } from "./Compare";

const server = standInNetwork();
afterEach(cleanup);

const v1 = { ...version("v1", "a1", "ready"), number: 1, width: 400, height: 600 };
const v2 = { ...version("v2", "a1", "ready"), number: 2, width: 400, height: 680 };

const ready: Changes = {
  version_id: "v2", against_id: "v1", page: 1, state: "ready", width: 400, height: 680, changed_percent: 12.6,
  regions: [
    { kind: "changed", x: 0.1, y: 0.14, w: 0.2, h: 0.06 },
    { kind: "inserted", x: 0, y: 0.44, w: 1, h: 0.12 },
  ],
  removed: [], picture_url: "/difference.png", failure: null,
};

function open() {
  const rendered = renderWithApp(<Compare versions={[v2, v1]} left={v1} right={v2} onLeft={() => {}} onClose={() => {}}
    onImageError={() => {}} />);
  fireEvent.click(screen.getByRole("button", { name: "Changes" }));
  return rendered;
}

describe("compare: overlay and wipe", () => {
  it("fades the older version in with the overlay slider, and wipes across with the wipe slider", () => {
    renderWithApp(<Compare versions={[v2, v1]} left={v1} right={v2} onLeft={() => {}} onClose={() => {}} onImageError={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Overlay" }));
    fireEvent.change(screen.getByLabelText("Overlay position"), { target: { value: "30" } });
    const older = () => screen.getByAltText("Version 1") as HTMLImageElement;
    expect(older().style.opacity).toBe("0.3");
    expect(older().style.clipPath).toBe("");
    fireEvent.click(screen.getByRole("button", { name: "Wipe" }));
    fireEvent.change(screen.getByLabelText("Wipe position"), { target: { value: "40" } });
    expect(older().style.opacity).toBe("");
    expect(older().style.clipPath).toBe("inset(0 60% 0 0)");
  });
});

describe("compare: changes", () => {
  it("waits for the job without polling, then shows the areas when the stream says they are ready", async () => {
    const asked: string[] = [];
    let answer: Changes = { ...ready, state: "queued", regions: [], changed_percent: null, picture_url: null };
    server.use(http.get("*/api/v1/versions/v2/changes", ({ request }) => {
      asked.push(new URL(request.url).search);
      return HttpResponse.json(answer, { status: answer.state === "queued" ? 202 : 200 });
    }));
    const { client } = open();
    expect(await screen.findByText("Finding what changed…")).toBeTruthy();
    await new Promise((r) => setTimeout(r, 150));
    expect(asked).toEqual(["?against=v1&page=1"]);

    answer = ready;
    act(() => applyEvent(client, BOARD, {
      kind: "changes.ready", asset_id: "a1", version_id: "v2", number: 2, against: "v1", page: 1, changed_percent: 12.6,
    } as Parameters<typeof applyEvent>[2]));
    expect(await screen.findByText("12.6 % changed · 2 areas")).toBeTruthy();
    expect(asked).toHaveLength(2);
    const box = screen.getByRole("button", { name: "Zoom to new section 2" });
    expect(box.style.top).toBe("44%");
    expect(box.style.height).toBe("12%");
  });

  it("zooms to an area, shows the difference picture, and says when nothing changed", async () => {
    server.use(http.get("*/api/v1/versions/v2/changes", () => HttpResponse.json(ready)));
    open();
    fireEvent.click(await screen.findByRole("button", { name: "Zoom to changed area 1" }));
    const zoomed = screen.getByAltText("Version 2, area 1") as HTMLImageElement;
    // The area (with a quarter of its size around it) fills the frame: 0.3 of the width → 333 %.
    expect(parseFloat(zoomed.style.width)).toBeCloseTo(100 / 0.3, 1);
    fireEvent.click(screen.getByRole("button", { name: "Whole picture" }));
    fireEvent.click(screen.getByLabelText("Difference picture"));
    const whole = screen.getByAltText("Version 2 with what changed since version 1") as HTMLImageElement;
    expect(whole.getAttribute("src")).toBe("/difference.png");

    cleanup();
    server.use(http.get("*/api/v1/versions/v2/changes", () => HttpResponse.json({ ...ready, regions: [], changed_percent: 0 })));
    open();
    expect(await screen.findByText("No visible changes.")).toBeTruthy();
  });

  it("says why two versions cannot be compared", async () => {
    server.use(http.get("*/api/v1/versions/v2/changes", () => HttpResponse.json(
      { type: "about:blank", title: "Conflict", status: 409, detail: "both versions must be ready to be compared" },
      { status: 409, headers: { "content-type": "application/problem+json" } },
    )));
    open();
    expect((await screen.findByRole("alert")).textContent).toBe("These versions cannot be compared. Both versions must be ready to be compared.");
  });
});
