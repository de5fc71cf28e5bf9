// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { board, BOARD, WORKSPACE } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { FirstSteps } from "./WorkspaceHome";

const server = standInNetwork();
afterEach(cleanup);

describe("a workspace's first steps", () => {
  it("says what to do, and opens a sample board when asked", async () => {
    let asked = 0;
    server.use(http.post(`*/api/v1/workspaces/${WORKSPACE}/sample-board`, () => {
      asked++;
      return HttpResponse.json(board({ comment: true, edit: true, manage: true, capture: false }), { status: 201 });
    }));
    renderWithApp(<FirstSteps workspaceId={WORKSPACE} />);
    expect(screen.getByRole("heading", { name: "Start your first review" })).toBeTruthy();
    expect(screen.getByText("Invite your client")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "add a sample board" }));
    await waitFor(() => expect(window.location.pathname).toBe(`/b/${BOARD}`));
    expect(asked).toBe(1);
  });
});
