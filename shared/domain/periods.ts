// UTC calendar periods: a day, a week from Monday, a month. Policy quotas count in them
// (docs/policies.md) and the analytics trend groups by them (docs/api.md "Analytics"), so both
// read the one rule below; the analytics window and buckets take their day and month keys here.

export const DAY_MS = 86_400_000;

export const periodKinds = ["day", "week", "month"] as const;
export type PeriodKind = (typeof periodKinds)[number];

/** A period in UTC: `start` inclusive, `end` exclusive; `key` is the start date. */
export interface Period {
  kind: PeriodKind;
  start: string;
  end: string;
  key: string;
}

/**
 * `YYYY-MM-DD` of an instant in `toISOString()` form (every stored date is: `isoDateTime` in
 * shared/domain/model.ts).
 */
export const dayKey = (iso: string): string => iso.slice(0, 10);

/** `YYYY-MM` of an instant in `toISOString()` form, or of a day key. */
export const monthKey = (iso: string): string => iso.slice(0, 7);

/** The period of `kind` that contains `at` (a week starts on Monday). */
export function periodOf(at: Date, kind: PeriodKind): Period {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (kind === "week") start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  if (kind === "month") start.setUTCDate(1);
  const end = new Date(start);
  if (kind === "day") end.setUTCDate(end.getUTCDate() + 1);
  if (kind === "week") end.setUTCDate(end.getUTCDate() + 7);
  if (kind === "month") end.setUTCMonth(end.getUTCMonth() + 1);
  const iso = start.toISOString();
  return { kind, start: iso, end: end.toISOString(), key: dayKey(iso) };
}
