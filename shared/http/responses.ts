// JSON responses, with the resource's revision as its ETag where it has one.
import type { HttpResponseInit } from "@azure/functions";

/** The HTTP ETag of a user-visible revision (a counter kept in the document). */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}

export function json(
  status: number,
  body: unknown,
  options: { revision?: number; headers?: Record<string, string> } = {},
): HttpResponseInit {
  return {
    status,
    headers: {
      "Content-Type": "application/json",
      ...(options.revision !== undefined ? { ETag: etagOf(options.revision) } : {}),
      ...options.headers,
    },
    body: JSON.stringify(body),
  };
}
