// @vitest-environment happy-dom
import { cleanup, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { AssetViewer } from "./Viewer";

const server = standInNetwork();
afterEach(cleanup);

describe("the viewer", () => {
  it("says so when the picture does not exist or is not shared, with a way home", async () => {
    server.use(
      http.get("*/api/v1/me", () => HttpResponse.json({ id: "u1", display_name: "Ada", handle: "ada" })),
      http.get("*/api/v1/assets/a404", () => HttpResponse.json(
        { type: "urn:critboard:problem:not-found", title: "Not found", status: 404, detail: "not found" },
        { status: 404 })),
    );
    renderWithApp(<AssetViewer id="a404" signedIn />);
    await screen.findByRole("heading", { name: "This picture does not exist, or is not shared with you" });
    expect(screen.getByRole("link", { name: "Go to your workspaces" })).toBeTruthy();
  });
});
