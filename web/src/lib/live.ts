// A board's live stream (Server-Sent Events, docs/api.md "Live updates").
// EventSource reconnects by itself after a dropped connection and resends
// Last-Event-ID, so the server replays what was missed.
import { useEffect, useRef, useState } from "react";
import { API_BASE, type Event, type Schemas } from "../api/client";

/** One person with the board open (the stream's `presence` message). */
export type Viewer = Schemas["PresentViewer"];
type Presence = Schemas["Presence"];
type StreamEnd = Schemas["StreamEnd"];

interface Handlers {
  onEvent: (e: Event) => void;
  /** Too far behind to replay: reload what the screen shows. */
  onReset: () => void;
}

/** Why a stream's `end` message says it ended (unreadable: a shutdown). */
function endedFor(m: globalThis.Event): string {
  try {
    return (JSON.parse((m as MessageEvent).data) as Partial<StreamEnd>).reason ?? "";
  } catch {
    return "";
  }
}

/** After a node stops, clients come back spread over a few seconds. */
const reconnectDelay = () => 1000 + Math.random() * 4000;

/** Subscribes to a board's events while mounted; returns who is viewing. */
export function useBoardStream(boardId: string | null, handlers: Handlers): Viewer[] {
  const [viewers, setViewers] = useState<Viewer[]>([]);
  const current = useRef(handlers);
  current.current = handlers;

  useEffect(() => {
    if (!boardId || typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let lastId = "";
    let retry: number | undefined;
    let closed = false;

    const connect = () => {
      const resume = lastId ? `?last_event_id=${encodeURIComponent(lastId)}` : "";
      source = new EventSource(`${API_BASE}/api/v1/boards/${boardId}/stream${resume}`, { withCredentials: true });
      source.addEventListener("event", (m) => {
        const message = m as MessageEvent;
        if (message.lastEventId) lastId = message.lastEventId;
        try {
          current.current.onEvent(JSON.parse(message.data) as Event);
        } catch {
          /* a malformed message is skipped, the next one still counts */
        }
      });
      source.addEventListener("presence", (m) => {
        try {
          setViewers((JSON.parse((m as MessageEvent).data) as Presence).viewers);
        } catch {
          /* keep the last list */
        }
      });
      source.addEventListener("end", (m) => {
        source?.close();
        // Access ended: stay closed. A node shutting down: come back, spread out.
        if (endedFor(m) !== "access" && !closed) retry = window.setTimeout(connect, reconnectDelay());
        else setViewers([]);
      });
      source.addEventListener("reset", () => {
        lastId = "";
        current.current.onReset();
      });
    };
    connect();
    return () => {
      closed = true;
      window.clearTimeout(retry);
      source?.close();
    };
  }, [boardId]);

  return viewers;
}

/**
 * Follows the signed-in person's unread count (`/api/v1/me/stream`) while
 * mounted, handing each new count to `onCount`: a live inbox badge with no
 * polling. Where streams are unavailable nothing happens (the count is
 * still read when the screen loads).
 */
export function useInboxStream(onCount: (count: number) => void) {
  const current = useRef(onCount);
  current.current = onCount;
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let retry: number | undefined;
    let closed = false;
    const connect = () => {
      source = new EventSource(`${API_BASE}/api/v1/me/stream`, { withCredentials: true });
      source.addEventListener("unread", (m) => {
        try {
          current.current((JSON.parse((m as MessageEvent).data) as Schemas["Unread"]).unread_count);
        } catch {
          /* the next count still comes */
        }
      });
      source.addEventListener("end", (m) => {
        source?.close();
        if (endedFor(m) !== "access" && !closed) retry = window.setTimeout(connect, reconnectDelay());
      });
    };
    connect();
    return () => {
      closed = true;
      window.clearTimeout(retry);
      source?.close();
    };
  }, []);
}
