// The statistics behind the analytics reads (docs/analytics.md) and calibration results: a
// sample's mean and variance (from a list, or from the sums the analytics buckets keep), Welch's
// two-sided t-test from those figures and Benjamini–Hochberg adjusted p-values. The
// Student t distribution comes from the regularized incomplete beta function, computed by its
// continued fraction (modified Lentz) as in Numerical Recipes, §6.4; statistics.test.ts checks
// every function against values computed independently with SciPy.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] ?? 1;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPSILON = 1e-15;
const TINY = 1e-300;
// The fraction converges in O(√max(a, b)) steps; a t-test over 10⁶ scores has a ≈ 5·10⁵.
const MAX_ITERATIONS = 100_000;

/** The continued fraction of I_x(a, b) (Numerical Recipes' betacf), by the modified Lentz method. */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPSILON) return h;
  }
  return h;
}

/**
 * The regularized incomplete beta function I_x(a, b). `complement` is 1 − x when the caller
 * knows it more precisely than `1 - x` would give (x close to 1).
 */
export function regularizedBeta(x: number, a: number, b: number, complement = 1 - x): number {
  if (!(x > 0)) return 0;
  if (!(complement > 0)) return 1;
  const lnFront =
    lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(complement);
  const front = Math.exp(lnFront);
  // The fraction converges fast only on its own side of the mean; use the symmetry elsewhere.
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, complement)) / b;
}

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom (df > 0, not necessarily whole). */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? Number.NaN : 0;
  const t2 = t * t;
  // x = df/(df+t²) and 1 − x = t²/(df+t²), each computed directly: no cancellation near 1.
  return Math.min(1, regularizedBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2)));
}

/**
 * A sample: how many scores, their mean and their sample variance (n − 1). Both forms below keep
 * one convention: the mean is NaN without scores and the variance 0 below 2 scores; each read
 * maps those to the nulls its contract names (`meanOf` below, `summarizeScores` in agreement.ts).
 */
export interface SampleSummary {
  n: number;
  mean: number;
  variance: number;
}

/** From Σx and Σx², one pass: what the analytics buckets keep per day. */
export function summarize(n: number, sum: number, sumOfSquares: number): SampleSummary {
  const mean = n > 0 ? sum / n : Number.NaN;
  // Σx² − (Σx)²/n can come out a hair below 0 when every score is equal: rounding only.
  const variance = n > 1 ? Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1)) : 0;
  return { n, mean, variance };
}

/**
 * From the scores themselves, two passes: the squared deviations from the mean, not
 * Σx² − n·mean², which cancels badly (a list is at hand, so nothing forces the one-pass form).
 */
export function summarizeList(scores: readonly number[]): SampleSummary {
  const n = scores.length;
  const mean = n > 0 ? scores.reduce((sum, s) => sum + s, 0) / n : Number.NaN;
  const variance = n > 1 ? scores.reduce((sum, s) => sum + (s - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, variance };
}

/** The mean of `n` scores summing to `sum`; null without scores. */
export const meanOf = (n: number, sum: number): number | null => (n > 0 ? sum / n : null);

/** Below this a variance counts as 0: what rounding leaves of equal scores' Σx² − (Σx)²/n. */
export const ZERO_VARIANCE = 1e-9;

/** Whether two means are equal up to the rounding their sums carry. */
const sameMean = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Welch's two-sided t-test (sample variances, Welch–Satterthwaite degrees of freedom), with the
 * contract's rules: null when either side has fewer than 2 scores; when both variances are 0,
 * 0 if the means differ and 1 if they are equal.
 */
export function welchPValue(a: SampleSummary, b: SampleSummary): number | null {
  if (a.n < 2 || b.n < 2) return null;
  if (a.variance < ZERO_VARIANCE && b.variance < ZERO_VARIANCE) {
    return sameMean(a.mean, b.mean) ? 1 : 0;
  }
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  const t = (a.mean - b.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return studentTwoSidedP(t, df);
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values), in the order given: for the i-th smallest of
 * m p-values, min over j ≥ i of p₍ⱼ₎·m/j, at most 1.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p || x.i - y.i);
  const q = new Array<number>(m).fill(1);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const item = order[rank - 1];
    if (!item) continue;
    running = Math.min(running, (item.p * m) / rank);
    q[item.i] = running;
  }
  return q;
}
