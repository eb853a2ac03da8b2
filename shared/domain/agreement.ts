// Agreement statistics for calibrations (docs/calibration.md explains them with an example).
//
// Krippendorff's alpha for nominal data is computed as in Krippendorff, "Computing Krippendorff's
// Alpha-Reliability" (2011): every unit with m ≥ 2 values adds each ordered pair of values from
// different raters to a coincidence matrix with weight 1/(m − 1); units with fewer than two
// values are not pairable and drop out. With n the pairable values, n_c the values c and
// o_ck the coincidences,
//   alpha = 1 − D_o / D_e = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k.
// For nominal data only the off-diagonal sum is needed, and a unit's share of it is
// (m² − Σ_c m_c²) / (m − 1) where m_c counts its values c, so a unit is kept as those counts.
// Every count is an integer below 2^26, so D_e's numerator n² − Σ n_c² is exact in a double and
// "expected disagreement 0" (a single value in the data) is an exact test.
//
// The bootstrap resamples units, not values: a calibration's questions are the units whose
// reliability is in doubt, and resampling them keeps each unit's values together.

import { summarizeList } from "./statistics.js";

/** A rater's value for a unit, as a comparable key; null where the rater gave none. */
export type Rating = string | null;

/** Reliability data: one row per unit, one column per rater, in a fixed order. */
export type ReliabilityData = readonly (readonly Rating[])[];

/** A pairable unit: how many values it has, how often each occurs, its disagreement share. */
interface Unit {
  m: number;
  values: number[];
  counts: number[];
  disagreement: number;
}

/** The pairable units of the data, their values numbered 0 … valueCount − 1. */
function pairableUnits(data: ReliabilityData): { units: Unit[]; valueCount: number } {
  const numbers = new Map<string, number>();
  const units: Unit[] = [];
  for (const row of data) {
    const counts = new Map<number, number>();
    let m = 0;
    for (const rating of row) {
      if (rating === null) continue;
      let value = numbers.get(rating);
      if (value === undefined) {
        value = numbers.size;
        numbers.set(rating, value);
      }
      counts.set(value, (counts.get(value) ?? 0) + 1);
      m += 1;
    }
    if (m < 2) continue;
    let sumOfSquares = 0;
    for (const count of counts.values()) sumOfSquares += count * count;
    units.push({
      m,
      values: [...counts.keys()],
      counts: [...counts.values()],
      disagreement: (m * m - sumOfSquares) / (m - 1),
    });
  }
  return { units, valueCount: numbers.size };
}

/** Accumulates units (with repetition, for the bootstrap) into alpha's sums. */
class Sums {
  private n = 0;
  private observed = 0;
  private readonly perValue: Float64Array;

  constructor(valueCount: number) {
    this.perValue = new Float64Array(valueCount);
  }

  add(unit: Unit): void {
    this.n += unit.m;
    this.observed += unit.disagreement;
    for (let i = 0; i < unit.values.length; i++) {
      const value = unit.values[i] ?? 0;
      this.perValue[value] = (this.perValue[value] ?? 0) + (unit.counts[i] ?? 0);
    }
  }

  /** Alpha, or null when the expected disagreement is 0 (one value only, or nothing pairable). */
  alpha(): number | null {
    let sumOfSquares = 0;
    for (const count of this.perValue) sumOfSquares += count * count;
    const expected = this.n * this.n - sumOfSquares;
    if (expected === 0) return null;
    return 1 - ((this.n - 1) * this.observed) / expected;
  }
}

export interface Alpha {
  /** null when the expected disagreement is 0 (including when no unit is pairable). */
  alpha: number | null;
  /** Units with at least two values. */
  pairableUnits: number;
}

/** Krippendorff's alpha for nominal data, by the coincidence-matrix method. */
export function krippendorffAlpha(data: ReliabilityData): Alpha {
  const { units, valueCount } = pairableUnits(data);
  const sums = new Sums(valueCount);
  for (const unit of units) sums.add(unit);
  return { alpha: sums.alpha(), pairableUnits: units.length };
}

// ---------- the bootstrap ----------

/** FNV-1a (32 bits) over the UTF-16 code units of `text`: a seed that the data determines. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). Not for secrets. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The data as text, row by row in the given order: what the bootstrap's seed is hashed from. */
export function canonicalText(data: ReliabilityData): string {
  // \u0001 marks a missing value and \u0002 ends a row; neither can be part of a value key.
  return data.map((row) => row.map((r) => r ?? "\u0001").join("\u0000")).join("\u0002");
}

export const BOOTSTRAP_RESAMPLES = 1000;
/** More resamples than this share with expected disagreement 0, and the interval is null. */
export const MAX_DROPPED_SHARE = 0.05;

export interface BootstrapOptions {
  resamples?: number;
  /** Defaults to the FNV-1a hash of the data's canonical text, so equal data give equal bounds. */
  seed?: number;
}

/**
 * The 95% percentile bootstrap interval of alpha: `resamples` times, n of the n pairable units
 * drawn with replacement, alpha recomputed (observed and expected disagreement both). Resamples
 * whose expected disagreement is 0 are dropped, and the interval is null when more than 5% of
 * them were; otherwise the bounds are the sorted kept values at ⌊0.025·k⌋ and ⌈0.975·k⌉ − 1,
 * k the number kept (k = B when none was dropped). Null with fewer than 2 pairable units or
 * when alpha itself is null.
 */
export function bootstrapInterval(
  data: ReliabilityData,
  options: BootstrapOptions = {},
): [number, number] | null {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const { units, valueCount } = pairableUnits(data);
  if (units.length < 2) return null;
  const whole = new Sums(valueCount);
  for (const unit of units) whole.add(unit);
  if (whole.alpha() === null) return null;
  const random = mulberry32(options.seed ?? fnv1a(canonicalText(data)));
  const kept: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sums = new Sums(valueCount);
    for (let i = 0; i < units.length; i++) {
      const unit = units[Math.floor(random() * units.length)];
      if (unit) sums.add(unit);
    }
    const alpha = sums.alpha();
    if (alpha !== null) kept.push(alpha);
  }
  if (resamples - kept.length > MAX_DROPPED_SHARE * resamples) return null;
  kept.sort((a, b) => a - b);
  const k = kept.length;
  const lower = kept[Math.floor(0.025 * k)];
  const upper = kept[Math.ceil(0.975 * k) - 1];
  return lower === undefined || upper === undefined ? null : [lower, upper];
}

// ---------- percent agreement and scores ----------

/** Agreeing pairs and all pairs among one unit's values. */
export function pairsOf(ratings: readonly Rating[]): { agreeing: number; pairs: number } {
  const counts = new Map<string, number>();
  let m = 0;
  for (const rating of ratings) {
    if (rating === null) continue;
    counts.set(rating, (counts.get(rating) ?? 0) + 1);
    m += 1;
  }
  let agreeing = 0;
  for (const count of counts.values()) agreeing += (count * (count - 1)) / 2;
  return { agreeing, pairs: (m * (m - 1)) / 2 };
}

/** The share of agreeing pairs among the pairs of the given units' values; null without pairs. */
export function percentAgreement(units: readonly (readonly Rating[])[]): number | null {
  let agreeing = 0;
  let pairs = 0;
  for (const ratings of units) {
    const unit = pairsOf(ratings);
    agreeing += unit.agreeing;
    pairs += unit.pairs;
  }
  return pairs === 0 ? null : agreeing / pairs;
}

export interface ScoreSummary {
  mean: number | null;
  min: number | null;
  max: number | null;
  /** The sample standard deviation (n − 1); null with fewer than 2 scores. */
  stdDev: number | null;
}

export function summarizeScores(scores: readonly number[]): ScoreSummary {
  const { n, mean, variance } = summarizeList(scores);
  if (n === 0) return { mean: null, min: null, max: null, stdDev: null };
  return {
    mean,
    min: Math.min(...scores),
    max: Math.max(...scores),
    stdDev: n < 2 ? null : Math.sqrt(variance),
  };
}
