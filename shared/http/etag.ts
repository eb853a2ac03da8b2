// The HTTP ETag is the resource's user-visible revision (a counter kept in the document), so
// background bookkeeping never invalidates a client's ETag. ETags are written by
// shared/http/responses.ts; this reads them back from If-Match.
import type { SeenRevision } from "../domain/requests.js";

/** The revision an If-Match header names: none when it is missing or `*`. */
export function seenRevision(header: string | null): SeenRevision {
  const value = header?.trim();
  if (!value || value === "*") return "none";
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  return match?.[1] ? Number(match[1]) : "unreadable";
}
