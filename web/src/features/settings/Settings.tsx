import type { User } from "../../api/client";
export function Settings(_: { user: User; onUser: (u: User) => void }) {
  return <p>Settings</p>;
}
