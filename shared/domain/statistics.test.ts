// Reference values were computed independently with SciPy 1.17.1 (Python 3) on this machine:
// scipy.special.gammaln, scipy.special.betainc, 2·scipy.stats.t.sf(|t|, df),
// scipy.stats.ttest_ind(a, b, equal_var=False) and scipy.stats.false_discovery_control.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  benjaminiHochberg,
  lnGamma,
  meanOf,
  regularizedBeta,
  studentTwoSidedP,
  summarize,
  summarizeList,
  welchPValue,
} from "./statistics.js";

/** |actual − expected| within `relative` of |expected|. */
function close(actual: number | null, expected: number, relative = 1e-9): void {
  expect(actual).not.toBeNull();
  const error = Math.abs((actual ?? Number.NaN) - expected);
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(
    relative * Math.max(Math.abs(expected), Number.MIN_VALUE),
  );
}

const sample = (xs: readonly number[]) =>
  summarize(
    xs.length,
    xs.reduce((s, x) => s + x, 0),
    xs.reduce((s, x) => s + x * x, 0),
  );

describe("lnGamma", () => {
  it.each([
    [0.1, 2.252712651734206],
    [2.5, 0.2846828704729192],
    [10, 12.801827480081469],
    [100.25, 360.28455963776423],
    [1e5, 1051287.7089736569],
  ])("ln Γ(%d) = scipy's gammaln", (x, expected) => close(lnGamma(x), expected, 1e-13));

  it("is 0 at 1 and 2", () => {
    expect(Math.abs(lnGamma(1))).toBeLessThan(1e-14);
    expect(Math.abs(lnGamma(2))).toBeLessThan(1e-14);
  });
});

describe("regularizedBeta", () => {
  it.each([
    [0.3, 2, 3, 0.34829999999999994],
    [0.999, 50000, 0.5, 1.4863295759538154e-23],
    [1e-5, 0.5, 0.5, 0.0020131718394753874],
    [0.5, 200.5, 0.5, 2.471877236889715e-62],
    [0.9, 1.5, 7.25, 0.9999998285550694],
  ])("I_%d(%d, %d) = scipy's betainc", (x, a, b, expected) =>
    close(regularizedBeta(x, a, b), expected, 1e-8),
  );

  it("is 0 at x = 0 and 1 at x = 1", () => {
    expect(regularizedBeta(0, 3, 4)).toBe(0);
    expect(regularizedBeta(1, 3, 4)).toBe(1);
  });
});

describe("studentTwoSidedP", () => {
  it.each([
    [0.5, 3, 0.651447964848151],
    [2.0, 10, 0.07338803477074037],
    [5.0, 4.5, 0.005476358359519903],
    [10.0, 120000, 1.5566802357462578e-23],
    [40.0, 30, 1.3726045194406417e-27],
    [0.001, 1e6, 0.9992021157716492],
    [3.3, 99999.5, 0.0009671862640172168],
  ])("t = %d, df = %d: 2·scipy's t.sf", (t, df, expected) =>
    close(studentTwoSidedP(t, df), expected, 1e-8),
  );

  it("is symmetric in t, 1 at t = 0 and 0 at infinity", () => {
    expect(studentTwoSidedP(-2, 10)).toBe(studentTwoSidedP(2, 10));
    expect(studentTwoSidedP(0, 7)).toBe(1);
    expect(studentTwoSidedP(Number.POSITIVE_INFINITY, 7)).toBe(0);
  });
});

describe("welchPValue", () => {
  it("matches scipy's ttest_ind(equal_var=False) on two samples", () => {
    const a = sample([100, 80, 60, 100, 40, 80]);
    const b = sample([100, 100, 80, 100, 60, 100, 100, 80]);
    // t = -1.218774442045596, df = 8.06133858816399
    close(welchPValue(a, b), 0.25739156308499656, 1e-10);
  });

  it("is null when either side has fewer than 2 scores", () => {
    expect(welchPValue(sample([50]), sample([1, 2, 3]))).toBeNull();
    expect(welchPValue(sample([1, 2, 3]), sample([]))).toBeNull();
  });

  it("is 0 for two constant samples with different means, 1 for equal ones", () => {
    expect(welchPValue(sample([100, 100, 100]), sample([0, 0]))).toBe(0);
    expect(welchPValue(sample([70, 70]), sample([70, 70, 70, 70]))).toBe(1);
  });

  it("treats rounding in Σx² and in the means as no variance and no difference", () => {
    // 0.1 added 3 and 10 times: the sums carry rounding, the scores are all equal.
    const three = summarize(3, 0.1 + 0.1 + 0.1, 0.01 + 0.01 + 0.01);
    const ten = summarize(
      10,
      Array(10)
        .fill(0.1)
        .reduce((s: number, x: number) => s + x, 0),
      0.1,
    );
    expect(three.mean).not.toBe(ten.mean);
    expect(welchPValue(three, ten)).toBe(1);
  });

  it("tests normally when only one side is constant", () => {
    // scipy: ttest_ind([100,100,100], [90,100,80,70], equal_var=False).pvalue
    close(welchPValue(sample([100, 100, 100]), sample([90, 100, 80, 70])), 0.10272807885839899);
  });
});

describe("benjaminiHochberg", () => {
  it("matches scipy's false_discovery_control, in the order given", () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, 0.2]);
    const expected = [0.03, 0.06, 0.06, 0.03, 0.5, 0.24];
    q.forEach((value, i) => close(value, expected[i] ?? Number.NaN, 1e-12));
  });

  it("is empty for no tests and never above 1", () => {
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([0.9, 0.95])).toEqual([0.95, 0.95]);
  });
});

// rule-audit finding 11: calibration results (a list of scores) and the analytics reads (sums)
// each computed a mean and variance; statistics.ts now owns both forms.
describe("rule audit 11: one sample summary, from a list or from sums", () => {
  it("gives the same n, mean and variance either way", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 200 }), (scores) => {
        const list = summarizeList(scores);
        const sums = sample(scores);
        expect(list.n).toBe(sums.n);
        if (scores.length === 0) return;
        close(list.mean, sums.mean, 1e-12);
        expect(Math.abs(list.variance - sums.variance)).toBeLessThanOrEqual(1e-9);
      }),
    );
  });

  it("keeps one convention for small samples: NaN mean without scores, variance 0 below 2", () => {
    expect(summarizeList([])).toEqual({ n: 0, mean: Number.NaN, variance: 0 });
    expect(summarize(0, 0, 0)).toEqual({ n: 0, mean: Number.NaN, variance: 0 });
    expect(summarizeList([75])).toEqual({ n: 1, mean: 75, variance: 0 });
    expect(summarize(1, 75, 75 * 75)).toEqual({ n: 1, mean: 75, variance: 0 });
    expect([meanOf(0, 0), meanOf(2, 150)]).toEqual([null, 75]);
  });

  it("computes a list's variance from deviations, exact where Σx² − (Σx)²/n is not", () => {
    const scores = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    expect(summarizeList(scores).variance).toBe(30);
  });
});
