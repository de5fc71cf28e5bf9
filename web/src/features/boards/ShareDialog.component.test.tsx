// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { board, BOARD } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { ShareDialog } from "./ShareDialog";

const server = standInNetwork();
afterEach(cleanup);

const member = (id: string, name: string, role: Schemas["BoardRole"]) => ({
  user_id: id, email: `${name.toLowerCase()}@example.com`, display_name: name, role, since: "",
});

const noInvitations = http.get(`*/api/v1/boards/${BOARD}/invitations`, () => HttpResponse.json({ items: [], next_cursor: null }));

describe("share dialog", () => {
  it("lists members and links, and shows a refused role change undone with the server's reason", async () => {
    const members = [member("u1", "Ada", "owner"), member("u2", "Bob", "commenter")];
    server.use(
      http.get(`*/api/v1/boards/${BOARD}/members`, () => HttpResponse.json({ items: members, next_cursor: null })),
      http.get(`*/api/v1/boards/${BOARD}/share-links`, () => HttpResponse.json({ items: [], next_cursor: null })),
      noInvitations,
      http.patch(`*/api/v1/boards/${BOARD}/members/u1`, () => HttpResponse.json(
        { type: "urn:critboard:problem:conflict", title: "Conflict", status: 409,
          detail: "a board needs an owner; make someone else owner first" },
        { status: 409, headers: { "content-type": "application/problem+json" } })),
    );
    renderWithApp(<ShareDialog board={board({ comment: true, edit: true, manage: true, capture: true })} onClose={() => {}} />);
    await screen.findByText("Bob");
    expect(screen.getByText("No active links. Create one above to let clients review without an account.")).toBeTruthy();
    const role = screen.getByLabelText("Role of Ada") as HTMLSelectElement;
    fireEvent.change(role, { target: { value: "viewer" } });
    await screen.findByText("A board needs an owner; make someone else owner first.");
    await waitFor(() => expect((screen.getByLabelText("Role of Ada") as HTMLSelectElement).value).toBe("owner"));
  });

  it("creates a link and puts it at the top, ready to copy", async () => {
    const made: unknown[] = [];
    server.use(
      http.get(`*/api/v1/boards/${BOARD}/members`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get(`*/api/v1/boards/${BOARD}/share-links`, () => HttpResponse.json({ items: [], next_cursor: null })),
      noInvitations,
      http.post(`*/api/v1/boards/${BOARD}/share-links`, async ({ request }) => {
        made.push(await request.json());
        return HttpResponse.json({
          id: "l1", board_id: BOARD, token: "t", url: "https://review.example.com/s/t", label: "Client",
          role: "commenter", has_password: false, active: true, expires_at: null, revoked_at: null, created_at: "",
        }, { status: 201 });
      }),
    );
    renderWithApp(<ShareDialog board={board({ comment: true, edit: true, manage: true, capture: true })} onClose={() => {}} />);
    fireEvent.change(await screen.findByLabelText("Label (optional)"), { target: { value: " Client " } });
    fireEvent.click(screen.getByRole("button", { name: "Create link" }));
    expect((await screen.findByLabelText("Address of Client") as HTMLInputElement).value)
      .toBe("https://review.example.com/s/t");
    expect(made).toEqual([{ role: "commenter", label: "Client", password: null, expires_at: null }]);
  });

  it("lists invitations nobody accepted yet, and withdraws one", async () => {
    let pending = [{
      id: "i1", email: "dan@client.example", workspace_id: "w", workspace_role: "client", board_id: BOARD,
      board_name: "Launch", board_role: "commenter", invited_by: "u1", created_at: "",
      expires_at: new Date(2031, 0, 5).toISOString(),
    }];
    server.use(
      http.get(`*/api/v1/boards/${BOARD}/members`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get(`*/api/v1/boards/${BOARD}/share-links`, () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get(`*/api/v1/boards/${BOARD}/invitations`, () => HttpResponse.json({ items: pending, next_cursor: null })),
      http.delete("*/api/v1/invitations/i1", () => {
        pending = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderWithApp(<ShareDialog board={board({ comment: true, edit: true, manage: true, capture: true })} onClose={() => {}} />);
    await screen.findByText("dan@client.example");
    expect(screen.getByText(/^Commenter · link works until/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Withdraw the invitation to dan@client.example" }));
    fireEvent.click(await screen.findByRole("button", { name: "Withdraw" }));
    await waitFor(() => expect(screen.queryByText("dan@client.example")).toBeNull());
  });

  it("shows only the members to someone who cannot manage the board", async () => {
    server.use(
      http.get(`*/api/v1/boards/${BOARD}/members`, () => HttpResponse.json({
        items: [member("u1", "Ada", "owner")], next_cursor: null,
      })),
    );
    renderWithApp(<ShareDialog board={board({ comment: false, edit: false, manage: false, capture: false })} onClose={() => {}} />);
    await screen.findByText("Ada");
    expect(screen.queryByLabelText("Role of Ada")).toBeNull();
    expect(screen.getByText("Only the board’s owners can invite people and create share links.")).toBeTruthy();
  });
});
