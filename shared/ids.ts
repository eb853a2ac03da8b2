// The one way the service derives an id from other values (an externalId, an event id, an
// idempotency key): the same input always gives the same id, which is what makes the writes
// that use it idempotent. Ids it makes match the id pattern (base64url: A–Z a–z 0–9 _ -).
import { createHash } from "node:crypto";

/** The first `length` base64url characters of SHA-256 over `parts` (joined by NUL). */
export function derivedId(parts: readonly string[], length: number): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, length);
}
