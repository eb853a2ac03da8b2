// A dependency (Cosmos, Blob, Service Bus, the token issuer's keys) that is down or throttling,
// as opposed to a request it refused: adapters raise DependencyUnavailableError, and the HTTP
// layer answers 503 DEPENDENCY_UNAVAILABLE with Retry-After for it.

/** A dependency (Cosmos, Blob, Service Bus) that still fails after the SDK's own retries. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
    this.name = "DependencyUnavailableError";
  }
}

const transientStatuses = new Set([408, 429, 449, 500, 502, 503, 504]);
const transientNetworkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EPIPE",
  "REQUEST_SEND_ERROR",
  "ServiceUnavailable",
  "ServiceBusy",
  "ServerBusyError",
]);

/** True for an SDK error that means "the dependency is down or throttling", not "your request is wrong". */
export function isTransientDependencyError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === "number" && transientStatuses.has(statusCode)) return true;
  return typeof code === "string" && transientNetworkCodes.has(code);
}
