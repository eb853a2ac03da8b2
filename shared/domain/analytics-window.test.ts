import { describe, expect, it } from "vitest";
import { analyticsWindow, inWindow, utcMidnightSchema } from "./analytics-window.js";

const now = new Date("2026-11-26T10:00:00.000Z");

/** The paths a refused window names; [] when it is taken. */
function refused(query: { from?: string; to?: string }): string[] | undefined {
  try {
    analyticsWindow(query, now);
    return [];
  } catch (error) {
    return (error as { errors?: { path: string }[] }).errors?.map((e) => e.path);
  }
}

describe("analyticsWindow", () => {
  it("defaults to the 90 days up to tomorrow's UTC midnight, with its day and month keys", () => {
    expect(analyticsWindow({}, now)).toEqual({
      from: "2026-08-29T00:00:00.000Z",
      to: "2026-11-27T00:00:00.000Z",
      fromDay: "2026-08-29",
      toDay: "2026-11-27",
      fromMonth: "2026-08",
      toMonth: "2026-11",
    });
    expect(analyticsWindow({ to: "2026-11-01" }, now).from).toBe("2026-08-03T00:00:00.000Z");
  });

  it("takes dates and timestamps at 00:00Z, in any offset that names one", () => {
    expect(analyticsWindow({ from: "2026-11-01", to: "2026-11-02T00:00:00Z" }, now)).toMatchObject({
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-11-02T00:00:00.000Z",
      toMonth: "2026-11",
    });
    expect(analyticsWindow({ from: "2026-11-01T01:00:00+01:00", to: "2026-11-03" }, now).from).toBe(
      "2026-11-01T00:00:00.000Z",
    );
    expect(analyticsWindow({ from: "2026-01-01", to: "2026-02-01" }, now).toMonth).toBe("2026-01");
  });

  it("refuses anything else (400 naming the parameter), and takes exactly 400 days", () => {
    expect(refused({ from: "2026-11-01T10:00:00Z" })).toEqual(["query.from"]);
    expect(refused({ to: "2026-02-31" })).toEqual(["query.to"]);
    expect(refused({ from: "yesterday", to: "soon" })).toEqual(["query.from", "query.to"]);
    expect(refused({ from: "2026-11-02", to: "2026-11-02" })).toEqual(["query.from"]);
    expect(refused({ from: "2025-01-01", to: "2026-02-06" })).toEqual(["query.to"]);
    expect(refused({ from: "2025-01-01", to: "2026-02-05" })).toEqual([]);
    for (const bad of ["2026-01-01T10:00:00Z", "2026-02-30", "2026-1-01", "tomorrow", ""])
      expect(utcMidnightSchema.safeParse(bad).success, bad).toBe(false);
  });

  it("is half-open: from inclusive, to exclusive", () => {
    const window = analyticsWindow({ from: "2026-11-01", to: "2026-12-01" }, now);
    expect(inWindow(window.from, window)).toBe(true);
    expect(inWindow("2026-11-30T23:59:59.999Z", window)).toBe(true);
    expect(inWindow(window.to, window)).toBe(false);
    expect(inWindow(undefined, window)).toBe(false);
  });
});
