// A board's live stream (Server-Sent Events, docs/api.md "Live updates").
// EventSource reconnects by itself and resends Last-Event-ID, so missed
// events are replayed by the server.
import { useEffect, useRef, useState } from "react";
import { API_BASE, type Event } from "../api/client";

export interface Viewer {
  user_id: string | null;
  guest_id: string | null;
  display_name: string;
}

/** Subscribes to a board's events while mounted; returns who is viewing. */
export function useBoardStream(boardId: string | null, onEvent: (e: Event) => void): Viewer[] {
  const [viewers, setViewers] = useState<Viewer[]>([]);
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    if (!boardId || typeof EventSource === "undefined") return;
    const source = new EventSource(`${API_BASE}/api/v1/boards/${boardId}/stream`, { withCredentials: true });
    source.addEventListener("event", (m) => {
      try {
        handler.current(JSON.parse((m as MessageEvent).data) as Event);
      } catch {
        /* a malformed message is skipped, the next one still counts */
      }
    });
    source.addEventListener("presence", (m) => {
      try {
        setViewers((JSON.parse((m as MessageEvent).data) as { viewers: Viewer[] }).viewers);
      } catch {
        /* keep the last list */
      }
    });
    source.addEventListener("end", () => source.close());
    source.addEventListener("reset", () => window.location.reload());
    return () => source.close();
  }, [boardId]);

  return viewers;
}
