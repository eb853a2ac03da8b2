// Summaries of repeated measurements: the median, with the spread (min and max) beside it.
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function summarize(xs: readonly number[]): Summary {
  if (xs.length === 0) throw new Error("No measurements to summarize.");
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length };
}

/** `12.3 (11.9–13.0, n=5)` */
export function formatSummary(s: Summary, digits = 2): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.runs})`;
}

// What `once` last returned, written and never read: a module-level write is not elided, so
// neither is the work that produced it.
let _lastResult: unknown;

/**
 * Calls per second of `once`, one figure per run of about 250 ms, after a warm-up that lets the
 * JIT settle. What `once` returns is kept, so the work cannot be optimised away.
 */
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
    // Yield between runs so a timer-driven caller is not starved.
    await new Promise((done) => setImmediate(done));
  }
  return summarize(perSecond);
}
