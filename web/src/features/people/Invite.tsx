import type { User } from "../../api/client";
export function InviteAccept(_: { user: User | null; onUser: (u: User) => void }) {
  return <p>Invitation</p>;
}
