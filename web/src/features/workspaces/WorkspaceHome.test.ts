import { describe, expect, it } from "vitest";
import type { Board, Folder } from "../../api/client";
import {
  applyBoardChange, belongsIn, boardAbilities, emptyText, folderAndChildren, folderTree,
  managesWorkspace, mergePage, viewFromSearch, viewHref, type View,
} from "./WorkspaceHome";
import { byName, formatBytes } from "./Workspaces";
import { boardsQuery } from "./api";
import { plural } from "../../lib/words";

const WS = "11111111-1111-1111-1111-111111111111";
const F1 = "22222222-2222-2222-2222-222222222222";

const folder = (id: string, name: string, parent_id: string | null = null): Folder => ({
  id, name, parent_id, workspace_id: WS, created_at: "", updated_at: "",
});

const board = (id: string, name: string, extra: Partial<Board> = {}): Board => ({
  id, name, workspace_id: WS, description: "", archived: false, role: "owner",
  can: { comment: true, edit: true, manage: true, capture: true, decide: true }, deciders: "editors", asset_count: 0,
  open_thread_count: 0, approved_count: 0, changes_requested_count: 0, folder_id: null,
  created_at: "", updated_at: "", ...extra,
});

describe("views", () => {
  it("round-trip through the address", () => {
    const views: View[] = [{ kind: "all" }, { kind: "archived" }, { kind: "folder", id: F1 }];
    for (const v of views) {
      const href = viewHref(WS, v);
      expect(href.startsWith(`/w/${WS}`)).toBe(true);
      expect(viewFromSearch(href.slice(`/w/${WS}`.length))).toEqual(v);
    }
  });
  it("ignore a malformed folder id", () => {
    expect(viewFromSearch("?folder=../../x")).toEqual({ kind: "all" });
  });
});

describe("board list requests", () => {
  it("list a workspace's active boards", () => {
    expect(boardsQuery({ kind: "all" }, "")).toEqual({ limit: 48 });
  });
  it("carry the name filter (trimmed) and the cursor", () => {
    expect(boardsQuery({ kind: "folder", id: F1 }, "  home & co ", "c1")).toEqual({
      q: "home & co", limit: 48, cursor: "c1",
    });
  });
  it("ask for archived boards", () => {
    expect(boardsQuery({ kind: "archived" }, "x")).toEqual({ q: "x", archived: true, limit: 48 });
  });
});

describe("folders", () => {
  const all = [
    folder("c", "Zeta child", "a"), folder("a", "Alpha"), folder("b", "Beta"),
    folder("d", "Alpha child", "a"), folder("e", "Orphan", "gone"),
  ];
  it("list parents, each followed by its sub-folders", () => {
    expect(folderTree(all).map(({ folder: f, depth }) => `${depth}${f.name}`)).toEqual([
      "0Alpha", "1Alpha child", "1Zeta child", "0Beta", "0Orphan",
    ]);
  });
  it("delete together with their sub-folders", () => {
    expect([...folderAndChildren(all, "a")].sort()).toEqual(["a", "c", "d"]);
  });
});

describe("board changes", () => {
  const items = [board("1", "Home"), board("2", "Pricing", { folder_id: F1 })];
  it("update a board in place", () => {
    const renamed = board("1", "Homepage");
    expect(applyBoardChange(items, renamed, { kind: "all" }, "")[0].name).toBe("Homepage");
  });
  it("drop an archived board from the active lists", () => {
    const archived = board("1", "Home", { archived: true });
    expect(applyBoardChange(items, archived, { kind: "all" }, "").map((b) => b.id)).toEqual(["2"]);
    expect(belongsIn(archived, { kind: "archived" }, "")).toBe(true);
  });
  it("drop a board moved out of the folder shown", () => {
    const moved = board("2", "Pricing", { folder_id: null });
    expect(applyBoardChange(items, moved, { kind: "folder", id: F1 }, "")).toHaveLength(1);
    expect(belongsIn(moved, { kind: "all" }, "")).toBe(true);
  });
  it("drop a board renamed away from the search", () => {
    expect(belongsIn(board("1", "About"), { kind: "all" }, "hom")).toBe(false);
    expect(belongsIn(board("1", "HOME"), { kind: "all" }, "hom")).toBe(true);
  });
  it("skip boards already shown when a page is appended", () => {
    expect(mergePage(items, [board("2", "Pricing"), board("3", "Team")]).map((b) => b.id))
      .toEqual(["1", "2", "3"]);
  });
});

describe("wording and rights", () => {
  it("counts", () => {
    expect(plural(1, "picture")).toBe("1 picture");
    expect(plural(3, "open thread")).toBe("3 open threads");
  });
  it("gives a first step when there is nothing yet", () => {
    expect(emptyText({ kind: "all" }, "")).toBe(
      "No boards yet. Create the first one and upload your designs to it.",
    );
    expect(emptyText({ kind: "all" }, " x ")).toBe("No boards match “x”.");
  });
  it("follows what the API says the caller can do", () => {
    const can = (edit: boolean, manage: boolean) => board("b", "B", { can: { comment: true, edit, manage, capture: edit, decide: edit } });
    expect(boardAbilities(can(false, false))).toEqual({ rename: false, manage: false });
    expect(boardAbilities(can(true, false))).toEqual({ rename: true, manage: false });
    expect(boardAbilities(can(true, true))).toEqual({ rename: true, manage: true });
    expect(managesWorkspace("member")).toBe(false);
    expect(managesWorkspace("admin")).toBe(true);
  });
});

describe("workspace list", () => {
  it("shows quotas for people", () => {
    expect(formatBytes(500)).toBe("500 bytes");
    expect(formatBytes(1536 * 1024 * 1024)).toBe("1.5 GB");
    expect(formatBytes(10 * 1024 ** 3)).toBe("10 GB");
    expect(formatBytes(1024 ** 2)).toBe("1 MB");
  });
  it("sorts by name", () => {
    const w = (id: string, name: string) =>
      ({ id, name, role: "member", created_at: "", updated_at: "" }) as const;
    expect(byName([w("2", "b"), w("1", "a")]).map((x) => x.id)).toEqual(["1", "2"]);
  });
});
