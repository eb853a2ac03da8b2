import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TimerFunctionDefinition } from "../shared/registry.js";
import { nextOccurrence, parseSchedule, startTimers } from "./timers.js";

describe("NCRONTAB schedules", () => {
  it("accepts the six-field forms the project uses", () => {
    expect(parseSchedule("*/5 * * * * *").seconds.size).toBe(12);
    const everyMinute = parseSchedule("0 */1 * * * *");
    expect([...everyMinute.seconds]).toEqual([0]);
    expect(everyMinute.minutes.size).toBe(60);
    expect([...parseSchedule("0 0,30 */6 * * *").hours]).toEqual([0, 6, 12, 18]);
  });

  it("refuses other forms at start with a message naming the schedule", () => {
    expect(() => parseSchedule("*/5 * * * *")).toThrow(/six fields/);
    expect(() => parseSchedule("0 0 0 1 * *")).toThrow(/"0 0 0 1 \* \*".*day field/);
    expect(() => parseSchedule("0 0-5 * * * *")).toThrow(/minutes field "0-5"/);
    expect(() => parseSchedule("*/0 * * * * *")).toThrow(/out of range/);
    expect(() => parseSchedule("61 * * * * *")).toThrow(/out of range/);
  });

  it("finds the next occurrence of a fixed example", () => {
    const schedule = parseSchedule("0 */15 * * * *");
    expect(nextOccurrence(schedule, new Date("2026-03-01T10:14:59.500Z")).toISOString()).toBe(
      "2026-03-01T10:15:00.000Z",
    );
    expect(nextOccurrence(schedule, new Date("2026-03-01T10:15:00.000Z")).toISOString()).toBe(
      "2026-03-01T10:30:00.000Z",
    );
    expect(nextOccurrence(schedule, new Date("2026-03-01T23:59:01.000Z")).toISOString()).toBe(
      "2026-03-02T00:00:00.000Z",
    );
  });

  it("fires */N seconds strictly later, within N seconds, on a multiple of N", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3, 5, 10, 15, 20, 30),
        fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }),
        (n, after) => {
          const next = nextOccurrence(parseSchedule(`*/${n} * * * * *`), after);
          expect(next.getTime()).toBeGreaterThan(after.getTime());
          expect(next.getTime() - after.getTime()).toBeLessThanOrEqual(n * 1000);
          expect(next.getUTCSeconds() % n).toBe(0);
          expect(next.getUTCMilliseconds()).toBe(0);
        },
      ),
    );
  });
});

describe("startTimers", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("invokes the timer function on its schedule with a fresh context each time", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00.000Z") });
    const contexts: string[] = [];
    const definition: TimerFunctionDefinition = {
      kind: "timer",
      name: "sweep",
      schedule: "*/10 * * * * *",
      handler: (timer, context) => {
        expect(timer.isPastDue).toBe(false);
        contexts.push(context.invocationId);
        return Promise.resolve();
      },
    };
    const runner = startTimers([definition], { logHandler: () => undefined });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(contexts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(20_001);
    expect(contexts).toHaveLength(3);
    expect(new Set(contexts).size).toBe(3);
    await runner.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(contexts).toHaveLength(3);
  });

  it("reports a failing run and keeps the schedule", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00.000Z") });
    const errors: string[] = [];
    const runner = startTimers(
      [
        {
          kind: "timer",
          name: "broken",
          schedule: "*/5 * * * * *",
          handler: () => Promise.reject(new Error("boom")),
        },
      ],
      {
        onError: (name, error) =>
          errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`),
      },
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(errors).toEqual(["broken: boom", "broken: boom"]);
    await runner.stop();
  });
});
