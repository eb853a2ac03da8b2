// Maps the error taxonomy to RFC 9457 problem+json responses. Unknown errors become a 500
// without internals (the caller logs them with the invocation id); they are never disguised.
import type { HttpResponseInit } from "@azure/functions";
import { AppError, type ErrorCode, type FieldError } from "../domain/errors.js";
import { DependencyUnavailableError, isTransientDependencyError } from "../dependency-errors.js";

const statusByCode: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  FEATURE_DISABLED: 403,
  SCORES_NOT_SHARED: 403,
  NOT_FOUND: 404,
  MEDIA_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  VALIDATION_FAILED: 400,
  EXPORT_PASSWORD_REQUIRED: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PRECONDITION_REQUIRED: 428,
  PRECONDITION_FAILED: 412,
  ALREADY_ASSIGNED: 409,
  ALREADY_COMPLETED: 409,
  NOT_ASSIGNED: 409,
  SESSION_ARCHIVED: 409,
  SESSION_COMPLETED: 409,
  DUE_DATE_PASSED: 409,
  CALIBRATION_DUPLICATE: 409,
  CALIBRATION_MISMATCH: 409,
  CALIBRATION_NOT_SUBMITTED: 403,
  EXPERT_NOT_PARTICIPANT: 422,
  NO_MATCHING_INTERACTION: 409,
  INTERACTION_ALREADY_EVALUATED: 409,
  INTERACTION_IN_USE: 409,
  REPLACE_NOT_ALLOWED: 409,
  ACTION_ITEM_CLOSED: 409,
  SESSION_NOT_COMPLETED: 409,
  DISPUTE_WINDOW_CLOSED: 409,
  DISPUTE_ALREADY_OPEN: 409,
  DISPUTE_LIMIT_REACHED: 409,
  DISPUTE_OPEN: 409,
  DISPUTE_CLOSED: 409,
  ACTION_ITEM_FULL: 409,
  CONFLICT: 409,
  REQUIRED_QUESTIONS_UNANSWERED: 422,
  REASON_REQUIRED: 422,
  INTERACTION_NOT_ELIGIBLE: 422,
  NO_EVALUATOR_AVAILABLE: 422,
  DEPENDENCY_UNAVAILABLE: 503,
  INTERNAL: 500,
};

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function statusOf(code: ErrorCode): number {
  return statusByCode[code];
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
}

export function problem(
  code: ErrorCode,
  detail: string,
  options: { errors?: readonly FieldError[]; headers?: Record<string, string> } = {},
): HttpResponseInit {
  const status = statusOf(code);
  const body: ProblemBody = {
    type: `https://evaluation-sessions.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`,
    title: titles[status] ?? "Error",
    status,
    detail,
    code,
    ...(options.errors && options.errors.length > 0 ? { errors: [...options.errors] } : {}),
  };
  return {
    status,
    headers: { "Content-Type": "application/problem+json", ...options.headers },
    body: JSON.stringify(body),
  };
}

/** Turns any thrown value into a response; `log` receives what the caller must not see. */
export function toProblemResponse(
  error: unknown,
  log: (message: string, error: unknown) => void,
  retryAfterSeconds: number,
): HttpResponseInit {
  if (error instanceof AppError) {
    return problem(error.code, error.detail, error.errors ? { errors: error.errors } : {});
  }
  if (error instanceof DependencyUnavailableError || isTransientDependencyError(error)) {
    const seconds =
      error instanceof DependencyUnavailableError ? error.retryAfterSeconds : retryAfterSeconds;
    log("dependency unavailable", error);
    return problem(
      "DEPENDENCY_UNAVAILABLE",
      "A service this API depends on is unavailable; retry later.",
      {
        headers: { "Retry-After": String(seconds) },
      },
    );
  }
  log("unhandled error", error);
  return problem("INTERNAL", "An unexpected error occurred.");
}
