import { describe, expect, it } from "vitest";
import { emptyBucket, type DaySums } from "./analytics.js";
import { trend } from "./analytics-reads.js";
import { analyticsWindow } from "./analytics-window.js";
import { DAY_MS, dayKey, monthKey, periodKinds, periodOf } from "./periods.js";

describe("UTC calendar periods", () => {
  it("starts a week on Monday, a month on its first day, a day at midnight", () => {
    // 2026-11-22 is a Sunday, 2026-11-23 a Monday.
    expect(periodOf(new Date("2026-11-22T23:59:59.999Z"), "week")).toEqual({
      kind: "week",
      start: "2026-11-16T00:00:00.000Z",
      end: "2026-11-23T00:00:00.000Z",
      key: "2026-11-16",
    });
    expect(periodOf(new Date("2026-11-23T00:00:00Z"), "week").key).toBe("2026-11-23");
    expect(periodOf(new Date("2026-12-31T23:00:00Z"), "month")).toMatchObject({
      start: "2026-12-01T00:00:00.000Z",
      end: "2027-01-01T00:00:00.000Z",
    });
    expect(periodOf(new Date("2026-11-26T10:00:00+05:00"), "day")).toMatchObject({
      start: "2026-11-26T00:00:00.000Z",
      end: "2026-11-27T00:00:00.000Z",
    });
  });

  it("keys a stored instant by its UTC day and month", () => {
    expect(dayKey("2026-11-30T23:59:59.999Z")).toBe("2026-11-30");
    expect(monthKey("2026-11-30T23:59:59.999Z")).toBe("2026-11");
    expect(monthKey("2026-11-30")).toBe("2026-11");
  });
});

// rule-audit finding 3: policy quotas and the analytics trend each wrote the week-from-Monday
// rule; a trend bucket must start where the policy period containing its days starts.
describe("rule audit 3: one calendar for policies and the analytics trend", () => {
  it("puts every day of a year in the trend bucket that starts at its period's start", () => {
    const window = analyticsWindow({ from: "2026-01-01", to: "2027-01-01" }, new Date(0));
    const days: Record<string, DaySums> = {};
    for (let time = Date.parse(window.from); time < Date.parse(window.to); time += DAY_MS) {
      days[dayKey(new Date(time).toISOString())] = {
        sessions: 1,
        scored: 0,
        sum: 0,
        autofailed: 0,
        questions: {},
      };
    }
    const { applied: _applied, ...sums } = emptyBucket(
      "t1",
      { agentId: "a", formId: null, month: "2026-01" },
      new Date(0),
    );
    const bucket = { ...sums, days };
    for (const kind of periodKinds) {
      const expected = new Map<string, number>();
      for (const day of Object.keys(days)) {
        const { start } = periodOf(new Date(`${day}T12:00:00Z`), kind);
        expected.set(start, (expected.get(start) ?? 0) + 1);
      }
      expect(trend([bucket], window, kind).map((b) => [b.start, b.sessions])).toEqual([
        ...expected,
      ]);
    }
  });
});
