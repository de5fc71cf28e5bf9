// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import type { Thread } from "../../api/client";
import { BOARD, comment, thread } from "../../test/fixtures";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { ThreadPanel } from "./ThreadPanel";

const server = standInNetwork();
afterEach(cleanup);

function panel(threads: Thread[], extra: Partial<Parameters<typeof ThreadPanel>[0]> = {}) {
  return (
    <ThreadPanel assetId="a1" boardId={BOARD} threads={threads} previousOpen={[]} selected={threads[0]?.id ?? null} draft={null}
      showResolved={false} people={[]} me={{ userId: "u1", guestId: null }} canComment canModerate={false}
      canDeleteAny={false} onShowResolved={() => {}} onSelect={() => {}} onCreate={async () => {}}
      onCancelDraft={() => {}} onOpenPrevious={() => {}} {...extra} />
  );
}

describe("thread panel", () => {
  it("shows a comment's line breaks and links, never its HTML", async () => {
    renderWithApp(panel([thread("t1", 1, [comment("c1", "Bigger logo\n<b>see</b> https://example.com/brand.")])]));
    const body = document.querySelector(".comment .comment-text") as HTMLElement;
    expect(body.textContent).toBe("Bigger logo\n<b>see</b> https://example.com/brand.");
    expect(body.querySelector("b")).toBeNull();
    const link = within(body).getByRole("link", { name: "https://example.com/brand" });
    expect(link.getAttribute("rel")).toBe("noopener noreferrer nofollow");
  });

  it("posts a reply once with its idempotency key, and resolves the author's own thread", async () => {
    const replies: { key: string | null; body: unknown }[] = [];
    const states: unknown[] = [];
    server.use(
      http.post("*/api/v1/threads/t1/comments", async ({ request }) => {
        replies.push({ key: request.headers.get("idempotency-key"), body: await request.json() });
        return HttpResponse.json(comment("c2", "On it"), { status: 201 });
      }),
      http.patch("*/api/v1/threads/t1", async ({ request }) => {
        states.push(await request.json());
        return HttpResponse.json(thread("t1", 1, [comment("c1", "Bigger logo")], { state: "resolved" }));
      }),
      // Refreshing the picture after a change (its threads are under its key).
      http.get("*/api/v1/assets/a1", () => HttpResponse.json({})),
    );
    renderWithApp(panel([thread("t1", 1, [comment("c1", "Bigger logo")])]));
    const box = screen.getByRole("combobox", { name: "Reply" });
    fireEvent.change(box, { target: { value: "On it\nand the colours" } });
    fireEvent.click(screen.getByRole("button", { name: "Reply" }));
    await waitFor(() => expect(replies).toHaveLength(1));
    expect(replies[0].body).toEqual({ body: "On it\nand the colours" });
    expect(replies[0].key).toMatch(/.{8,}/);
    fireEvent.click(screen.getByRole("button", { name: "Resolve" }));
    await waitFor(() => expect(states).toEqual([{ state: "resolved" }]));
  });

  it("resolves a thread still open on the previous version in one click", async () => {
    const states: unknown[] = [];
    server.use(
      http.patch("*/api/v1/threads/t9", async ({ request }) => {
        states.push(await request.json());
        return HttpResponse.json(thread("t9", 4, [comment("c9", "Old ask")], { state: "resolved" }));
      }),
      http.get("*/api/v1/assets/a1", () => HttpResponse.json({})),
    );
    const carried = thread("t9", 4, [comment("c9", "Old ask", { id: "u2", display_name: "Bea" })], { created_by: "u2" });
    renderWithApp(panel([], { previousOpen: [carried], canModerate: true }));
    fireEvent.click(screen.getByRole("button", { name: "Resolve #4" }));
    await waitFor(() => expect(states).toEqual([{ state: "resolved" }]));
    cleanup();
    // A commenter may not resolve someone else's thread.
    renderWithApp(panel([], { previousOpen: [carried] }));
    expect(screen.queryByRole("button", { name: "Resolve #4" })).toBeNull();
  });

  it("says whether the new version changed a carried thread's area", () => {
    const a = thread("t8", 3, [comment("c8", "Logo too small")]);
    const b = thread("t9", 4, [comment("c9", "Typo in footer")]);
    const c = thread("t10", 5, [comment("c10", "Not yet worked out")]);
    renderWithApp(panel([], { previousOpen: [a, b, c], carriedVerdicts: { t8: "changed", t9: "unchanged" } }));
    const rows = screen.getAllByRole("listitem").filter((li) => li.closest(".previous"));
    expect(rows.map((li) => li.querySelector(".verdict")?.textContent ?? null))
      .toEqual(["Area changed", "Unchanged here", null]);
  });

  it("lets a commenter resolve only their own threads", () => {
    const others = thread("t1", 1, [comment("c1", "Hers", { id: "u2", display_name: "Bea" })], { created_by: "u2" });
    renderWithApp(panel([others]));
    expect(screen.queryByRole("button", { name: "Resolve" })).toBeNull();
    expect(screen.getByRole("combobox", { name: "Reply" })).toBeTruthy();
  });

  it("lets a guest leave an address for replies, which waits for its confirmation", async () => {
    const sent: unknown[] = [];
    server.use(
      http.get(`*/api/v1/boards/${BOARD}/guest-email`, () => HttpResponse.json({ email: null, confirmed: false })),
      http.put(`*/api/v1/boards/${BOARD}/guest-email`, async ({ request }) => {
        const body = (await request.json()) as { email: string };
        sent.push(body);
        return HttpResponse.json({ email: body.email, confirmed: false });
      }),
    );
    renderWithApp(panel([], { me: { userId: null, guestId: "g1" } }));
    fireEvent.click(await screen.findByRole("button", { name: "Get an e-mail when someone replies" }));
    fireEvent.change(screen.getByLabelText("Your e-mail address"), { target: { value: " gus@client.example " } });
    fireEvent.click(screen.getByRole("button", { name: "Send a confirmation link" }));
    await screen.findByText(/for a link to confirm it/);
    expect(sent).toEqual([{ email: "gus@client.example" }]);
  });

  it("offers no guest address to someone signed in", async () => {
    renderWithApp(panel([]));
    await screen.findByText(/No comments yet/);
    expect(screen.queryByRole("button", { name: "Get an e-mail when someone replies" })).toBeNull();
  });
});
