import type { Board } from "../../api/client";
export function ShareDialog(_: { board: Board; onClose: () => void }) {
  return null;
}
