// The HTTP ETag is the resource's user-visible revision (a counter kept in the document), so
// background bookkeeping never invalidates a client's ETag.
import type { HttpRequest } from "@azure/functions";
import { AppError } from "../domain/errors.js";

export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/** The revision the client says it last saw; 428 when If-Match is missing or `*`. */
export function requireIfMatch(request: HttpRequest): number {
  const header = request.headers.get("if-match")?.trim();
  if (!header || header === "*") {
    throw new AppError(
      "PRECONDITION_REQUIRED",
      "This write needs an If-Match header with the resource's ETag.",
    );
  }
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header);
  if (!match?.[1]) {
    throw new AppError(
      "PRECONDITION_FAILED",
      "If-Match does not match the resource's current ETag.",
    );
  }
  return Number(match[1]);
}

/** Throws 412 unless the client's revision is the stored one. */
export function assertRevision(expected: number, actual: number): void {
  if (expected !== actual) {
    throw new AppError(
      "PRECONDITION_FAILED",
      "The resource was changed by someone else; reload it and retry.",
    );
  }
}
