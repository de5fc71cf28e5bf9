// @vitest-environment happy-dom
import { cleanup, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { BOARD } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { GuestEntry } from "./GuestEntry";

const server = standInNetwork();
afterEach(cleanup);

const link = (role: "viewer" | "commenter") =>
  http.get("*/api/v1/share/tok", () => HttpResponse.json({ board_id: BOARD, board_name: "Launch", needs_password: false, role }));
const signedOut = http.get("*/api/v1/me", () => HttpResponse.json(
  { type: "urn:critboard:problem:unauthorized", title: "Sign in first", status: 401, detail: "" }, { status: 401 }));

describe("the page a share link opens", () => {
  it("asks a commenter for the name shown next to their comments", async () => {
    server.use(link("commenter"), signedOut);
    renderWithApp(<GuestEntry token="tok" signedIn={false} />);
    await screen.findByRole("heading", { name: "Launch" });
    expect(screen.getByLabelText(/^Your name/)).toBeTruthy();
    expect(screen.getByText("Shown next to your comments.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Start reviewing" })).toBeTruthy();
  });

  it("asks a view-only guest for no name", async () => {
    server.use(link("viewer"), signedOut);
    renderWithApp(<GuestEntry token="tok" signedIn={false} />);
    await screen.findByRole("heading", { name: "Launch" });
    expect(screen.queryByLabelText(/^Your name/)).toBeNull();
    expect(screen.queryByText("Shown next to your comments.")).toBeNull();
    expect(screen.getByRole("button", { name: "Open the board" })).toBeTruthy();
  });

  it("tells the guest of a revoked link so, not to sign in", async () => {
    server.use(
      http.get("*/api/v1/share/tok", () => HttpResponse.json(
        { type: "urn:critboard:problem:link-revoked", title: "Link revoked", status: 410, detail: "This link was revoked." },
        { status: 410 })),
      signedOut,
    );
    renderWithApp(<GuestEntry token="tok" signedIn={false} />);
    await screen.findByText(/This link was revoked/);
    expect(screen.queryByText(/Sign in first/)).toBeNull();
  });
});
