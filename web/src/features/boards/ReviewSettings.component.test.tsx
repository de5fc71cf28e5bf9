// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { board, BOARD } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { ReviewSettings } from "./ReviewSettings";

const server = standInNetwork();
afterEach(cleanup);

function patches() {
  const sent: Record<string, unknown>[] = [];
  server.use(http.patch(`*/api/v1/boards/${BOARD}`, async ({ request }) => {
    const body = (await request.json()) as Record<string, unknown>;
    sent.push(body);
    return HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: false }, body));
  }));
  return sent;
}

describe("review settings", () => {
  it("lets an owner let reviewers decide and set a due date at the end of that day", async () => {
    const sent = patches();
    let closed = false;
    renderWithApp(<ReviewSettings board={board({ comment: true, edit: true, manage: true, capture: false })}
      onClose={() => { closed = true; }} />);
    fireEvent.click(screen.getByRole("radio", { name: /Reviewers too/ }));
    fireEvent.change(screen.getByLabelText(/Due date/), { target: { value: "2031-05-20" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(closed).toBe(true));
    expect(sent).toEqual([{ deciders: "reviewers", due_at: new Date(2031, 4, 20, 23, 59, 59).toISOString() }]);
  });

  it("lets an editor set only the due date, and clear it", async () => {
    const sent = patches();
    let closed = false;
    const editor = board({ comment: true, edit: true, manage: false, capture: false }, { due_at: "2031-05-20T21:59:59Z" });
    renderWithApp(<ReviewSettings board={editor} onClose={() => { closed = true; }} />);
    expect((screen.getByRole("radio", { name: /Reviewers too/ }) as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText("Only the board’s owners change this.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "No due date" }));
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(closed).toBe(true));
    expect(sent).toEqual([{ due_at: null }]);
  });
});
