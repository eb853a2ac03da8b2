// The targets, one row per figure: what the figure must be, as text and as a predicate built
// from the same numbers. A figure without a row is reported with no target.
import { formatFigure, valueOf, type Figures } from "./figures.js";

export interface Target {
  text: string;
  met: (value: number | boolean) => boolean;
}

const note = (text: string, why?: string) => (why ? `${text} (${why})` : text);
const compare =
  (sign: string, holds: (v: number, n: number) => boolean) =>
  (n: number, why?: string): Target => ({
    text: note(`${sign} ${n}`, why),
    met: (v) => typeof v === "number" && holds(v, n),
  });
const below = compare("<", (v, n) => v < n);
const atMost = compare("≤", (v, n) => v <= n);
const atLeast = compare("≥", (v, n) => v >= n);
const is = (x: number | boolean, why?: string): Target => ({
  text: note(String(x), why),
  met: (v) => v === x,
});

export const targets: Record<string, Target> = {
  coldStartRatio: below(1, "the bundled package; ≤ 1.25 unbundled"),
  cosmosCallsPerGet: is(1),
  cosmosCallsPerSave: atMost(2, "open session"),
  cosmosCallsPerComplete: atMost(3),
  cosmosCallsPerSaveCompleted: atMost(3, "a rescore"),
  cosmosCallsPerGridPage: is(1),
  gridQueryCrossPartition: is(false),
  sessionDocBytes: below(64 * 1024, "well under 100 KB"),
  saveVsHealthThroughput: atLeast(0.5, "typical session: 1 form, 4 questions"),
  saveStatus412: is(0, "one session and ETag per connection"),
  xlsxExportMs: atMost(500, "5 forms × 40 questions, encrypted"),
  eventLoopMaxDelayDuringExportsMs: atMost(50, "4 xlsx exports beside GETs"),
  calibrationResultsMs: atMost(200, "20 evaluators × 200 questions, bootstrap included"),
  cosmosCallsPerPolicySession: atMost(4, "claim, write and amortised reads"),
  analyticsCallsGrowth: atMost(1.2, "skill gaps, 100,000 ÷ 10,000 sessions"),
  analyticsLagMs: atMost(5000, "p99, a burst of 500 completions"),
};

export interface TargetCheck {
  name: string;
  target: string;
  value: string;
  met: boolean;
}

/** Every target checked against `figures`; a figure that was not measured misses its target. */
export function checkTargets(figures: Figures): TargetCheck[] {
  return Object.entries(targets).map(([name, { text, met }]) => {
    const figure = figures[name];
    return {
      name,
      target: text,
      value: figure === undefined ? "not measured" : formatFigure(valueOf(figure)),
      met: figure !== undefined && met(valueOf(figure)),
    };
  });
}
