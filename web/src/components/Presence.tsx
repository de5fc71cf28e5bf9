import type { Viewer } from "../lib/live";

/** Who else has the board open right now. */
export function Presence({ viewers }: { viewers: Viewer[] }) {
  if (viewers.length === 0) return null;
  const names = viewers.map((v) => v.display_name);
  return (
    <ul className="presence" aria-label={`Viewing now: ${names.join(", ")}`}>
      {viewers.slice(0, 5).map((v) => (
        <li key={`${v.user_id ?? ""}${v.guest_id ?? ""}`} title={v.display_name}
          className={`avatar avatar-${avatarHue(v.user_id ?? v.guest_id ?? v.display_name)}`}>
          {initials(v.display_name)}
        </li>
      ))}
      {viewers.length > 5 && <li className="avatar more">+{viewers.length - 5}</li>}
    </ul>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

/** Avatar colours (tokens --avatar-0 … --avatar-5, all readable under white text). */
export const AVATAR_COLOURS = 6;

/** The same person gets the same colour everywhere, others most likely another. */
export function avatarHue(key: string): number {
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % AVATAR_COLOURS;
}
