// What a caller's request brings to a domain operation, before the operation has judged it: the
// input as the transport parsed it (or why it could not) and the revision the caller last saw.
// Operations raise these at the point the order of checks puts them (docs/api.md): 404 and 403
// first, then 400 for the input, then 428/412 for the revision, then 409 and 422.
import { AppError, validationFailed, type FieldError } from "./errors.js";

/** A request body or query, parsed; a failure keeps its error (VALIDATION_FAILED and the like). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const parsed = <T>(value: T): Parsed<T> => ({ ok: true, value });

/** The revision a writer says it last saw (HTTP If-Match): a number, none, or unreadable. */
export type SeenRevision = number | "none" | "unreadable";

/** A change to an existing resource: its input and the revision it was based on. */
export interface ChangeRequest<T> {
  input: Parsed<T>;
  seen: SeenRevision;
}

/** The input, or 400: its parse error, else what `validate` finds wrong with it. */
export function inputOf<T>(
  input: Parsed<T>,
  validate?: (value: T) => readonly FieldError[],
  detail?: string,
): T {
  if (!input.ok) throw input.error;
  const errors = validate?.(input.value) ?? [];
  if (errors.length > 0) throw validationFailed(errors, detail);
  return input.value;
}

/** 428 when the writer named no revision, 412 when it is not the current one. */
export function checkRevision(seen: SeenRevision, current: number): void {
  if (seen === "none") {
    throw new AppError(
      "PRECONDITION_REQUIRED",
      "This write needs an If-Match header with the resource's ETag.",
    );
  }
  if (seen === "unreadable") {
    throw new AppError(
      "PRECONDITION_FAILED",
      "If-Match does not match the resource's current ETag.",
    );
  }
  if (seen !== current) {
    throw new AppError(
      "PRECONDITION_FAILED",
      "The resource was changed by someone else; reload it and retry.",
    );
  }
}

/** The 400 and 428/412 steps of a change, in that order; returns the accepted input. */
export function accept<T>(
  request: ChangeRequest<T>,
  current: number,
  validate?: (value: T) => readonly FieldError[],
  detail?: string,
): T {
  const input = inputOf(request.input, validate, detail);
  checkRevision(request.seen, current);
  return input;
}
