// The window of an analytics read (docs/api.md "Analytics"): `from` and `to` are UTC midnights,
// the window is [from, to), by default the 90 days up to tomorrow's midnight, at most 400 days.
import { z } from "zod";
import { validationFailed, type FieldError } from "./errors.js";
import { DAY_MS, dayKey, monthKey, periodOf } from "./periods.js";

export interface Window {
  /** ISO 8601 UTC, a midnight, inclusive. */
  from: string;
  /** ISO 8601 UTC, a midnight, exclusive. */
  to: string;
}

/** A window with the day and month keys the analytics buckets are filed under. */
export interface AnalyticsWindow extends Window {
  /** First day in, first day out (`YYYY-MM-DD`). */
  fromDay: string;
  toDay: string;
  /** The months the window touches (`YYYY-MM`, both inclusive). */
  fromMonth: string;
  toMonth: string;
}

export const DEFAULT_WINDOW_DAYS = 90;
export const MAX_WINDOW_DAYS = 400;

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The UTC midnight `value` names (`YYYY-MM-DD`, or a timestamp at 00:00Z), else undefined. */
function midnightOf(value: string): number | undefined {
  const time = dateOnly.test(value)
    ? Date.parse(`${value}T00:00:00Z`)
    : timestamp.test(value)
      ? Date.parse(value)
      : NaN;
  if (Number.isNaN(time) || time % DAY_MS !== 0) return undefined;
  // Date.parse rolls 2026-02-31 over to March: only a date that reads back the same is one.
  if (dateOnly.test(value) && dayKey(new Date(time).toISOString()) !== value) return undefined;
  return time;
}

/** A query parameter that must name a UTC midnight (the check `analyticsWindow` makes). */
export const utcMidnightSchema = z
  .string()
  .max(64)
  .refine(
    (value) => midnightOf(value) !== undefined,
    "must be a UTC midnight: YYYY-MM-DD or a timestamp at 00:00Z",
  );

/** The window a query names; 400 VALIDATION_FAILED naming `query.from`/`query.to` otherwise. */
export function analyticsWindow(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
): AnalyticsWindow {
  const errors: FieldError[] = [];
  const parse = (name: "from" | "to"): number | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    const time = midnightOf(value);
    if (time === undefined) {
      errors.push({
        path: `query.${name}`,
        message: "must be a UTC midnight: YYYY-MM-DD or a timestamp at 00:00Z",
      });
    }
    return time;
  };
  const givenFrom = parse("from");
  const givenTo = parse("to");
  if (errors.length > 0) throw validationFailed(errors);
  const tomorrow = Date.parse(periodOf(now, "day").end);
  const to = givenTo ?? tomorrow;
  const from = givenFrom ?? to - DEFAULT_WINDOW_DAYS * DAY_MS;
  if (from >= to) throw validationFailed([{ path: "query.from", message: "must be before to" }]);
  if (to - from > MAX_WINDOW_DAYS * DAY_MS) {
    throw validationFailed([
      { path: "query.to", message: `the window may span at most ${MAX_WINDOW_DAYS} days` },
    ]);
  }
  const iso = (time: number) => new Date(time).toISOString();
  return {
    from: iso(from),
    to: iso(to),
    fromDay: dayKey(iso(from)),
    toDay: dayKey(iso(to)),
    fromMonth: monthKey(iso(from)),
    toMonth: monthKey(iso(to - DAY_MS)),
  };
}

/** Whether an ISO instant lies in [from, to). */
export function inWindow(at: string | null | undefined, window: Window): boolean {
  if (at === null || at === undefined) return false;
  const time = Date.parse(at);
  return time >= Date.parse(window.from) && time < Date.parse(window.to);
}
