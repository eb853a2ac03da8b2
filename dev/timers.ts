// Fires the registered timer functions locally on their NCRONTAB schedules. Only the simple
// six-field forms the project uses are understood; anything else is refused at start-up so a
// schedule never silently fails to fire.
import { randomUUID } from "node:crypto";
import type { LogHandler, Timer } from "@azure/functions";
import { InvocationContext } from "./azure-functions.js";
import type { TimerFunctionDefinition } from "../shared/registry.js";

export interface Schedule {
  seconds: ReadonlySet<number>;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
}

function parseField(field: string, max: number, what: string, schedule: string): Set<number> {
  const all = (step: number) =>
    new Set(Array.from({ length: max + 1 }, (_, i) => i).filter((i) => i % step === 0));
  if (field === "*") return all(1);
  const step = /^\*\/(\d+)$/.exec(field);
  if (step) {
    const n = Number(step[1]);
    if (n < 1 || n > max)
      throw new Error(`Timer schedule "${schedule}": ${what} step ${n} is out of range.`);
    return all(n);
  }
  if (/^\d+(,\d+)*$/.test(field)) {
    const values = field.split(",").map(Number);
    if (values.some((v) => v > max))
      throw new Error(`Timer schedule "${schedule}": ${what} value out of range 0-${max}.`);
    return new Set(values);
  }
  throw new Error(
    `Timer schedule "${schedule}": the local host does not understand the ${what} field "${field}" ` +
      `(it supports *, */N, N and N,M in seconds, minutes and hours).`,
  );
}

/** Parses `sec min hour day month day-of-week`; day, month and day-of-week must be `*`. */
export function parseSchedule(schedule: string): Schedule {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `Timer schedule "${schedule}" must have six fields (NCRONTAB with seconds), got ${fields.length}.`,
    );
  }
  const [sec, min, hour, day, month, dow] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  for (const [name, value] of [
    ["day", day],
    ["month", month],
    ["day-of-week", dow],
  ] as const) {
    if (value !== "*") {
      throw new Error(
        `Timer schedule "${schedule}": the local host supports only * in the ${name} field.`,
      );
    }
  }
  return {
    seconds: parseField(sec, 59, "seconds", schedule),
    minutes: parseField(min, 59, "minutes", schedule),
    hours: parseField(hour, 23, "hours", schedule),
  };
}

/** The first whole second strictly after `after` (UTC) that the schedule matches. */
export function nextOccurrence(schedule: Schedule, after: Date): Date {
  const t = new Date(after.getTime());
  t.setUTCMilliseconds(0);
  // At most one day of seconds: every schedule accepted above repeats daily.
  for (let i = 0; i <= 86_400; i++) {
    t.setUTCSeconds(t.getUTCSeconds() + 1);
    if (
      schedule.seconds.has(t.getUTCSeconds()) &&
      schedule.minutes.has(t.getUTCMinutes()) &&
      schedule.hours.has(t.getUTCHours())
    )
      return t;
  }
  throw new Error("The schedule never fires.");
}

export interface TimerRunner {
  stop(): Promise<void>;
}

/** Starts one loop per timer function; a run never overlaps the previous one of the same function. */
export function startTimers(
  definitions: readonly TimerFunctionDefinition[],
  options: { logHandler?: LogHandler; onError?: (name: string, error: unknown) => void } = {},
): TimerRunner {
  const schedules = definitions.map((d) => ({
    definition: d,
    schedule: parseSchedule(d.schedule),
  }));
  const handles = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const arm = (definition: TimerFunctionDefinition, schedule: Schedule, last: Date) => {
    if (stopped) return;
    const next = nextOccurrence(schedule, new Date());
    const handle = setTimeout(() => {
      handles.delete(handle);
      const timer: Timer = {
        isPastDue: false,
        schedule: { adjustForDST: false },
        scheduleStatus: {
          last: last.toISOString(),
          next: nextOccurrence(schedule, next).toISOString(),
          lastUpdated: new Date().toISOString(),
        },
      };
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: definition.name,
        ...(options.logHandler ? { logHandler: options.logHandler } : {}),
      });
      const run = definition
        .handler(timer, context)
        .catch((error: unknown) => options.onError?.(definition.name, error))
        .finally(() => {
          running.delete(run);
          arm(definition, schedule, next);
        });
      running.add(run);
    }, next.getTime() - Date.now());
    handles.add(handle);
  };

  const started = new Date();
  for (const { definition, schedule } of schedules) arm(definition, schedule, started);

  return {
    async stop() {
      stopped = true;
      for (const handle of handles) clearTimeout(handle);
      handles.clear();
      await Promise.allSettled([...running]);
    },
  };
}
