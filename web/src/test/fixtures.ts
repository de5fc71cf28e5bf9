// Answers of the API as component tests need them, typed by the API document.
import type { Asset, Board, Comment, Schemas, Thread, Version } from "../api/client";

export const BOARD = "01936f4e-0000-7000-8000-0000000000b1";
export const WORKSPACE = "01936f4e-0000-7000-8000-0000000000a0";

/** A board whose abilities are `can` (deciding, if not given, goes with editing). */
export function board(can: Omit<Board["can"], "decide"> & { decide?: boolean }, extra: Partial<Board> = {}): Board {
  return {
    id: BOARD, workspace_id: WORKSPACE, name: "Launch", description: "", archived: false,
    role: can.manage ? "owner" : can.edit ? "editor" : can.comment ? "commenter" : "viewer",
    can: { ...can, decide: can.decide ?? can.edit }, deciders: "editors", due_at: null,
    asset_count: 0, open_thread_count: 0, approved_count: 0, changes_requested_count: 0, folder_id: null,
    created_at: "", updated_at: "", ...extra,
  };
}

export function version(id: string, asset: string, state: Version["state"]): Version {
  const ready = state === "ready";
  return {
    id, asset_id: asset, number: 1, bytes: 10, content_type: "image/png", created_at: "", file_url: `/files/${id}`,
    width: 640, height: 480, original_name: "home.png", review_status: "in_review", state, open_thread_count: 0,
    thread_count: 0,
    thumbnails: ready ? { grid: { url: `/thumbs/${id}.webp`, width: 320, height: 240 } } : {},
  } as Version;
}

export function asset(id: string, title: string, v: Version, position = 0): Asset {
  return {
    id, board_id: BOARD, kind: "picture", title, position, review_status: "in_review", version_count: 1, created_at: "",
    updated_at: "", current_version: v,
  };
}

/** A website capture at `extra.capture_width` (1440 unless given). */
export function capture(id: string, title: string, v: Version, extra: Partial<Asset> & { failure?: string | null } = {},
  position = 0): Asset {
  const { failure, ...rest } = extra;
  return {
    ...asset(id, title, { ...v, failure: failure ?? null, capture: { truncated: false } }, position),
    kind: "capture", source_url: "https://example.com/pricing", capture_width: 1440, ...rest,
  };
}

export function comment(id: string, body: string, author = { id: "u1", display_name: "Ada" }): Comment {
  return { id, thread_id: "t1", body, author, deleted: false, mentions: [], drawing: [], created_at: new Date().toISOString() };
}

export function thread(id: string, number: number, comments: Comment[], extra: Partial<Thread> = {}): Thread {
  return {
    id, asset_id: "a1", version_id: "v1", number, comments, created_at: "", created_by: "u1",
    shape: { x: 0.5, y: 0.5 }, state: "open", ...extra,
  } as Thread;
}

export const noSettings: Schemas["NotificationSettings"] = { email: "hourly", muted_boards: [], muted: [] };
