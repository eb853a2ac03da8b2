// One error taxonomy: every refusal carries a stable code; shared/http/problem.ts maps codes to
// HTTP statuses. The domain never speaks HTTP.

export const errorCodes = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "FEATURE_DISABLED",
  "SCORES_NOT_SHARED",
  "NOT_FOUND",
  "MEDIA_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "VALIDATION_FAILED",
  "EXPORT_PASSWORD_REQUIRED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "PRECONDITION_REQUIRED",
  "PRECONDITION_FAILED",
  "ALREADY_ASSIGNED",
  "ALREADY_COMPLETED",
  "NOT_ASSIGNED",
  "SESSION_ARCHIVED",
  "SESSION_COMPLETED",
  "DUE_DATE_PASSED",
  "CALIBRATION_DUPLICATE",
  "CALIBRATION_MISMATCH",
  "CALIBRATION_NOT_SUBMITTED",
  "EXPERT_NOT_PARTICIPANT",
  "NO_MATCHING_INTERACTION",
  "INTERACTION_ALREADY_EVALUATED",
  "INTERACTION_IN_USE",
  "REPLACE_NOT_ALLOWED",
  "ACTION_ITEM_CLOSED",
  "SESSION_NOT_COMPLETED",
  "DISPUTE_WINDOW_CLOSED",
  "DISPUTE_ALREADY_OPEN",
  "DISPUTE_LIMIT_REACHED",
  "DISPUTE_OPEN",
  "DISPUTE_CLOSED",
  "ACTION_ITEM_FULL",
  "CONFLICT",
  "REQUIRED_QUESTIONS_UNANSWERED",
  "REASON_REQUIRED",
  "INTERACTION_NOT_ELIGIBLE",
  "NO_EVALUATOR_AVAILABLE",
  "DEPENDENCY_UNAVAILABLE",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** One bad input location: a dotted path (`groups.0.weight`) and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

/** A refusal the caller can act on. `detail` is safe to show; it never carries secrets. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(`${code}: ${detail}`);
    this.name = "AppError";
  }
}

export const notFound = (what: string): AppError =>
  new AppError("NOT_FOUND", `${what} was not found.`);

export const validationFailed = (
  errors: readonly FieldError[],
  detail = "The request is not valid.",
): AppError => new AppError("VALIDATION_FAILED", detail, errors);

/** Whether `error` is a refusal with one of `codes`. */
export function isCode(error: unknown, ...codes: readonly ErrorCode[]): error is AppError {
  return error instanceof AppError && codes.includes(error.code);
}

/**
 * A conditional write lost a race: the document's etag moved since it was read. What a writer
 * does then differs by writer (shared/app/conditional-writes.ts says how and why).
 */
export const lostRace = (error: unknown): boolean => isCode(error, "PRECONDITION_FAILED");
