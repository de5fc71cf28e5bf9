// What changed between two versions (worked out on the server by a job),
// and whether an earlier thread's area is among the changes.
import { useQueries, useQuery } from "@tanstack/react-query";
import { client, data, type Schemas, type Thread } from "../../api/client";
import { keys } from "../../api/keys";

export type Changes = Schemas["ChangesOut"];
export type Verdict = "changed" | "unchanged";

const fetchChanges = (versionId: string, against: string | null, page: number) =>
  data(client.GET("/api/v1/versions/{id}/changes", {
    params: { path: { id: versionId }, query: { against: against ?? undefined, page } },
  }));

/** What changed from `against` (the version before when null) to `versionId`.
 *  While the job works (state "queued") nothing polls: the board's stream
 *  tells `changes.ready` and that refreshes this. */
export function useChanges(versionId: string | null, against: string | null, page: number) {
  return useQuery({
    queryKey: keys.changes(versionId ?? "", against ?? "previous", page),
    enabled: !!versionId,
    queryFn: () => fetchChanges(versionId!, against, page),
    retry: false,
  });
}

/** For threads still open on earlier versions: whether their area changed in `versionId`. */
export function useCarriedVerdicts(versionId: string | null, page: number, carried: Thread[]): Record<string, Verdict> {
  const from = [...new Set(carried.map((t) => t.version_id))].filter((v) => v !== versionId);
  const answers = useQueries({
    queries: from.map((against) => ({
      queryKey: keys.changes(versionId ?? "", against, page),
      enabled: !!versionId,
      queryFn: () => fetchChanges(versionId!, against, page),
      retry: false,
    })),
  });
  const verdicts: Record<string, Verdict> = {};
  from.forEach((against, i) => {
    const changes = answers[i]?.data;
    if (!changes) return;
    for (const t of carried) {
      if (t.version_id !== against) continue;
      const v = verdict(t.shape, changes);
      if (v) verdicts[t.id] = v;
    }
  });
  return verdicts;
}

interface Area { x: number; y: number; w?: number | null; h?: number | null }

/** A pin's reach around its point, as a share of the picture's width. */
const PIN_REACH = 0.02;

/**
 * Whether an area of the older version (fractions of its size) falls on a
 * change: its rows are moved past the sections inserted above them and
 * back over those removed, then the box is tested against every region.
 * `null` until the changes are worked out.
 */
export function verdict(area: Area, changes: Changes): Verdict | null {
  if (changes.state !== "ready" || changes.height <= 0) return null;
  const H = changes.height;
  const inserted = changes.regions.filter((r) => r.kind === "inserted");
  // The older version's height in pixels, from the newer one's.
  const oldH = H - inserted.reduce((n, r) => n + r.h * H, 0) + changes.removed.reduce((n, r) => n + r.height, 0);
  const top = (area.y - (area.h ? 0 : PIN_REACH)) * oldH;
  const bottom = (area.y + (area.h ?? PIN_REACH)) * oldH;
  // Shifts, in the order they happen down the newer version.
  const shifts = [
    ...inserted.map((r) => ({ at: r.y * H, by: r.h * H })),
    ...changes.removed.map((r) => ({ at: r.y * H, by: -r.height })),
  ].sort((a, b) => a.at - b.at);
  let offset = 0;
  for (const s of shifts) {
    if (s.by < 0 && top + offset >= s.at && top + offset < s.at - s.by) return "changed"; // its rows are gone
    if (s.at <= top + offset) offset += s.by;
  }
  const [y0, y1] = [(top + offset) / H, (bottom + offset) / H];
  const [x0, x1] = [area.x - (area.w ? 0 : PIN_REACH), area.x + (area.w ?? PIN_REACH)];
  const hit = changes.regions.some((r) => r.x < x1 && r.x + r.w > x0 && r.y < y1 && r.y + r.h > y0);
  return hit ? "changed" : "unchanged";
}

