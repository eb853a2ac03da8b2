// What a measurement returns: named figures, each a count, a flag or a Summary of repeated runs
// (the median with its spread). A dot in a name nests it in the JSON: `exportMs.pdf`.

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export type Figure = number | boolean | Summary;
export type Figures = Record<string, Figure>;

/** How much to measure: a quick run is for checking the figures are there, not for citing. */
export interface Plan {
  quick: boolean;
}

/** One measurement: `title` for the progress line, `about` for docs/benchmarks.md. */
export interface Measurement {
  title: string;
  about: string;
  measure: (plan: Plan) => Promise<Figures>;
}

export function summarize(xs: readonly number[]): Summary {
  if (xs.length === 0) throw new Error("No measurements to summarize.");
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return { median, min: s[0] ?? 0, max: s.at(-1) ?? 0, runs: s.length };
}

export const isSummary = (f: Figure): f is Summary => typeof f === "object";

/** The single value a figure is checked and written as: a Summary's median. */
export const valueOf = (f: Figure): number | boolean => (isSummary(f) ? f.median : f);

/** `12.3 (11.9–13.0, n=5)`; whole numbers for values of 100 and more. */
export function formatFigure(f: Figure): string {
  const digits = (x: number) => (Math.abs(x) >= 100 || Number.isInteger(x) ? 0 : 2);
  if (!isSummary(f)) return typeof f === "number" ? f.toFixed(digits(f)) : String(f);
  const d = digits(f.median);
  return `${f.median.toFixed(d)} (${f.min.toFixed(d)}–${f.max.toFixed(d)}, n=${f.runs})`;
}

/** Milliseconds per call of `once`: `runs` timed calls after `warmUp` untimed ones. */
export async function timeEach(
  once: () => Promise<unknown>,
  runs: number,
  warmUp = 1,
): Promise<Summary> {
  for (let i = 0; i < warmUp; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await once();
    ms.push(performance.now() - t0);
  }
  return summarize(ms);
}

// What `once` last returned, written and never read, so the work behind it is not elided.
let _lastResult: unknown;

/** Calls per second of `once`: one figure per run of about 250 ms, after a warm-up. */
export async function ratePerSecond(once: () => unknown, runs: number): Promise<Summary> {
  for (let i = 0; i < 500; i++) _lastResult = once();
  const perSecond: number[] = [];
  for (let r = 0; r < runs; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 250) {
      for (let i = 0; i < 50; i++) _lastResult = once();
      n += 50;
    }
    perSecond.push(n / ((performance.now() - t0) / 1000));
    await new Promise((done) => setImmediate(done));
  }
  return summarize(perSecond);
}
