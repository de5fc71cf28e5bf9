// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { standInNetwork } from "../../test/network";
import { renderWithApp } from "../../test/render";
import { AdminError, AdminErrors, AdminPerformance, MANY_STATEMENTS, placeOf } from "./Admin";

const server = standInNetwork();
afterEach(cleanup);

const now = new Date().toISOString();
const group = (id: string, kind: string, extra: Record<string, unknown> = {}) => ({
  id, kind, location: "crates/server/src/http/boards.rs:71", method: "GET", route: "/api/v1/boards/{id}", job_kind: "",
  message: "Query Error: connection reset", count: 3, first_seen: now, last_seen: now,
  first_release: "0.1.0+abc", last_release: "0.1.0+abc", last_request_id: "r-3", status: "open",
  resolved_release: null, ...extra,
});

describe("the admins' pages", () => {
  it("lists open errors, and all of them when asked", async () => {
    const asked: string[] = [];
    server.use(http.get("*/api/v1/admin/errors", ({ request }) => {
      const all = new URL(request.url).searchParams.get("all");
      asked.push(`all=${all}`);
      const items = all === "true"
        ? [group("g1", "internal"), group("g2", "job-failed", { job_kind: "thumbnails", method: "", route: "", status: "ignored" })]
        : [group("g1", "internal")];
      return HttpResponse.json({ items, release: "0.1.0+abc" });
    }));
    renderWithApp(<AdminErrors />);
    expect(await screen.findByText("internal")).toBeTruthy();
    expect(screen.getByText("GET /api/v1/boards/{id}")).toBeTruthy();
    expect(screen.queryByText("job thumbnails")).toBeNull();
    fireEvent.click(screen.getByLabelText("Also resolved and ignored"));
    expect(await screen.findByText("job thumbnails")).toBeTruthy();
    expect(asked).toEqual(["all=false", "all=true"]);
  });

  it("resolves a group and shows its occurrences' request ids", async () => {
    const sent: unknown[] = [];
    let status = "open";
    server.use(
      http.get("*/api/v1/admin/errors/g1", () => HttpResponse.json({
        ...group("g1", "panic", { status, resolved_release: status === "resolved" ? "0.1.0+abc" : null }),
        occurrences: [{ at: now, request_id: "r-3", release: "0.1.0+abc", message: "panicked: boom" }],
      })),
      http.patch("*/api/v1/admin/errors/g1", async ({ request }) => {
        sent.push(await request.json());
        status = "resolved";
        return HttpResponse.json(group("g1", "panic", { status }));
      }),
    );
    renderWithApp(<AdminError id="g1" />);
    expect(await screen.findByText("r-3")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Resolve" }));
    await waitFor(() => expect(sent).toEqual([{ status: "resolved" }]));
    expect(await screen.findByRole("button", { name: "Reopen" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Resolve" })).toBeNull();
  });

  it("flags the route that makes many statements and opens its slowest requests", async () => {
    const route = (r: string, total: number, max: number) => ({
      method: "GET", route: r, count: 10, total_ms: total, p50_ms: 5, p95_ms: 9, p99_ms: 9,
      mean_statements: max / 2, max_statements: max, sql_share: 0.8,
      slowest: [{ request_id: `slow-${r}`, ms: 900, statements: max, sql_ms: 700, status: 200, age_seconds: 5 }],
    });
    server.use(http.get("*/api/v1/admin/performance", () => HttpResponse.json({
      window_seconds: 3600, node: "n1", release: "0.1.0+abc",
      routes: [route("/api/v1/workspaces/{id}/boards", 9000, 2000), route("/api/v1/me", 50, 3)],
    })));
    renderWithApp(<AdminPerformance />);
    const rows = await screen.findAllByRole("row");
    expect(within(rows[1]).getByText("many")).toBeTruthy();
    expect(within(rows[2]).queryByText("many")).toBeNull();
    fireEvent.click(within(rows[1]).getByRole("button"));
    expect(await screen.findByText("slow-/api/v1/workspaces/{id}/boards")).toBeTruthy();
    expect(MANY_STATEMENTS).toBeLessThan(2000);
  });

  it("names where an error came from", () => {
    expect(placeOf({ method: "GET", route: "/x", job_kind: "" })).toBe("GET /x");
    expect(placeOf({ method: "", route: "", job_kind: "digest" })).toBe("job digest");
  });
});
