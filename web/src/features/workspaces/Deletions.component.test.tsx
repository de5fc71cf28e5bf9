// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { board, BOARD, WORKSPACE } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { DeleteBoard, DeleteWorkspace } from "./Deletions";

const server = standInNetwork();
afterEach(cleanup);

describe("deleting for good", () => {
  it("deletes a workspace only once its name is typed", async () => {
    const deleted: string[] = [];
    server.use(http.delete(`*/api/v1/workspaces/${WORKSPACE}`, () => {
      deleted.push(WORKSPACE);
      return new HttpResponse(null, { status: 204 });
    }));
    let done = false;
    const ws = { id: WORKSPACE, name: "Agency", role: "owner" as const, storage_quota_bytes: null, created_at: "", updated_at: "" };
    renderWithApp(<DeleteWorkspace workspace={ws} onClose={() => {}} onDone={() => { done = true; }} />);
    const button = screen.getByRole("button", { name: "Delete workspace" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText("Type “Agency” to confirm"), { target: { value: "Agenc" } });
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText("Type “Agency” to confirm"), { target: { value: "Agency" } });
    fireEvent.click(button);
    await waitFor(() => expect(done).toBe(true));
    expect(deleted).toEqual([WORKSPACE]);
  });

  it("says what a board takes with it, and shows a refusal", async () => {
    server.use(http.delete(`*/api/v1/boards/${BOARD}`, () => HttpResponse.json(
      { type: "urn:critboard:problem:forbidden", title: "Forbidden", status: 403, detail: "only owners may delete it" },
      { status: 403 })));
    const b = board({ comment: true, edit: true, manage: true, capture: false }, { asset_count: 3 });
    renderWithApp(<DeleteBoard board={b} onClose={() => {}} onDone={() => {}} />);
    expect(screen.getByText(/Its 3 pictures, with every version, comment and file, are deleted for good/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Delete board" }));
    await screen.findByText(/only owners may delete it/i);
  });
});
