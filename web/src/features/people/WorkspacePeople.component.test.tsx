// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { BOARD, WORKSPACE } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { assignableRoles, WorkspacePeople } from "./WorkspacePeople";

const server = standInNetwork();
afterEach(cleanup);

const person = (id: string, name: string, role: string) =>
  ({ user_id: id, display_name: name, email: `${name.toLowerCase()}@example.com`, role, since: new Date().toISOString() });
const members = [person("u1", "Ada", "owner"), person("u2", "Cat", "member"), person("u3", "Cleo", "client")];
const pending = [{
  id: "i1", email: "dan@client.example", workspace_id: WORKSPACE, workspace_role: "client", board_id: BOARD,
  board_name: "Site", board_role: "commenter", invited_by: "u1", created_at: new Date().toISOString(),
  expires_at: new Date(Date.now() + 6 * 86_400_000).toISOString(),
}];

function workspaceAs(role: string) {
  const calls: string[] = [];
  server.use(
    http.get(`*/api/v1/workspaces/${WORKSPACE}`, () => HttpResponse.json(
      { id: WORKSPACE, name: "Agency", role, storage_quota_bytes: null, created_at: "", updated_at: "" })),
    http.get(`*/api/v1/workspaces/${WORKSPACE}/members`, () => HttpResponse.json({ items: members, next_cursor: null })),
    http.get(`*/api/v1/workspaces/${WORKSPACE}/invitations`, () => HttpResponse.json({ items: pending, next_cursor: null })),
    http.patch(`*/api/v1/workspaces/${WORKSPACE}/members/:user`, async ({ params, request }) => {
      calls.push(`role ${params.user} ${JSON.stringify(await request.json())}`);
      return HttpResponse.json(members[2]);
    }),
    http.post("*/api/v1/invitations/:id/resend", ({ params }) => {
      calls.push(`resend ${params.id}`);
      return HttpResponse.json(pending[0], { status: 201 });
    }),
  );
  return calls;
}

describe("a workspace's people", () => {
  it("lets an admin make a client a member and resend an invitation, but not touch owners", async () => {
    const calls = workspaceAs("admin");
    renderWithApp(<WorkspacePeople id={WORKSPACE} />);
    const cleo = await screen.findByRole("combobox", { name: "Role of Cleo" });
    expect([...cleo.querySelectorAll("option")].map((o) => o.textContent)).toEqual(["Client", "Member", "Admin"]);
    expect(screen.queryByRole("combobox", { name: "Role of Ada" })).toBeNull();
    fireEvent.change(cleo, { target: { value: "member" } });
    await waitFor(() => expect(calls).toContain('role u3 {"role":"member"}'));

    const invitation = (await screen.findByText("dan@client.example")).closest("li")!;
    expect(within(invitation as HTMLElement).getByText(/commenter on “Site”/)).toBeTruthy();
    fireEvent.click(within(invitation as HTMLElement).getByRole("button", { name: /^Resend/ }));
    await waitFor(() => expect(calls).toContain("resend i1"));
  });

  it("shows a member the team, without changing anything", async () => {
    workspaceAs("member");
    renderWithApp(<WorkspacePeople id={WORKSPACE} />);
    await screen.findByText("Cleo");
    expect(screen.queryByRole("combobox")).toBeNull();
    expect(screen.queryByRole("heading", { name: "Invite by e-mail" })).toBeNull();
    expect(screen.queryByText("dan@client.example")).toBeNull();
  });

  it("gives roles by the same rule as the server", () => {
    expect(assignableRoles("owner", "owner")).toEqual(["client", "member", "admin", "owner"]);
    expect(assignableRoles("admin", "owner")).toEqual([]);
    expect(assignableRoles("member", "client")).toEqual([]);
  });
});
