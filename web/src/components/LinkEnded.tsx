// What a guest is told when the share link that let them in has ended:
// on the link's own page and on the board or picture they had open.
import { ApiError } from "../api/client";

export type LinkEnd = "revoked" | "expired" | "unknown";

/** Why a share link no longer opens its board, from the server's problem type; null if it does. */
export function linkEnded(e: unknown): LinkEnd | null {
  if (!(e instanceof ApiError)) return null;
  if (e.problem?.type === "urn:critboard:problem:link-revoked") return "revoked";
  if (e.problem?.type === "urn:critboard:problem:link-expired") return "expired";
  return e.status === 404 ? "unknown" : null;
}

/** What a guest whose link ended is told; `page`: the whole page (the link's own), else a part of one. */
export function LinkEnded({ why, page = false }: { why: LinkEnd; page?: boolean }) {
  const Frame = page ? "main" : "section";
  const title = {
    revoked: "This link was revoked",
    expired: "This link has expired",
    unknown: "This link does not work",
  }[why];
  return (
    <Frame className="auth people">
      <h1>{title}</h1>
      <p>
        {why === "unknown"
          ? "Check that the whole address was copied, or ask the person who sent it to you for a new one."
          : "Ask the person who sent it to you for a new one."}
      </p>
      <p className="switch"><a href="/">Go to Critboard</a></p>
    </Frame>
  );
}

