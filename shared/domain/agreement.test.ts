import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BOOTSTRAP_RESAMPLES,
  bootstrapInterval,
  canonicalText,
  fnv1a,
  krippendorffAlpha,
  mulberry32,
  percentAgreement,
  summarizeScores,
  type Rating,
  type ReliabilityData,
} from "./agreement.js";
import { publishedExample } from "../../test/support/calibration-fixtures.js";

/** Coders as rows, units as columns (the paper's layout), turned into units × raters. */
function fromCoders(coders: readonly (readonly (string | number | null)[])[]): ReliabilityData {
  const units = coders[0]?.length ?? 0;
  return Array.from({ length: units }, (_, u) =>
    coders.map((row) => {
      const value = row[u];
      return value === null || value === undefined ? null : String(value);
    }),
  );
}

// The worked examples of Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011),
// with the values it prints (three decimals).
const binaryTwoCoders = fromCoders([
  [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
  [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]);
const nominalTwoCoders = fromCoders([
  ["a", "a", "b", "b", "d", "c", "c", "c", "e", "d", "d", "a"],
  ["b", "a", "b", "b", "b", "c", "c", "c", "e", "d", "d", "d"],
]);
/** Four observers, twelve units, missing values: nominal alpha 0.743. */
const fourCodersMissing = fromCoders(publishedExample);

const printed = (value: number | null) => value?.toFixed(3);

describe("Krippendorff's alpha (nominal), the 2011 paper's worked examples", () => {
  it("binary data, two observers, no missing data: 0.095", () => {
    expect(printed(krippendorffAlpha(binaryTwoCoders).alpha)).toBe("0.095");
  });
  it("nominal data, two observers, no missing data: 0.692", () => {
    expect(printed(krippendorffAlpha(nominalTwoCoders).alpha)).toBe("0.692");
  });
  it("nominal data, four observers, missing data: 0.743, the lone value of unit 12 dropped", () => {
    const { alpha, pairableUnits } = krippendorffAlpha(fourCodersMissing);
    expect(printed(alpha)).toBe("0.743");
    expect(pairableUnits).toBe(11);
    // Exactly: n = 40 pairable values, Σ_c n_c² = 81 + 169 + 100 + 25 + 9 = 384, and units 2,
    // 6 and 8 disagree by 2 + 4 + 2 = 8, so alpha = 1 − 39 · 8 / (1600 − 384).
    expect(alpha).toBeCloseTo(1 - (39 * 8) / (1600 - 384), 12);
  });
});

describe("Krippendorff's alpha: edge cases", () => {
  it("is null when expected disagreement is 0 (one value) or nothing is pairable", () => {
    expect(
      krippendorffAlpha([
        ["a", "a"],
        ["a", "a"],
      ]),
    ).toEqual({ alpha: null, pairableUnits: 2 });
    expect(
      krippendorffAlpha([
        ["a", null],
        [null, "b"],
      ]),
    ).toEqual({ alpha: null, pairableUnits: 0 });
    expect(krippendorffAlpha([])).toEqual({ alpha: null, pairableUnits: 0 });
  });
  it("is 1 with perfect agreement over two values, and below 0 with systematic disagreement", () => {
    expect(
      krippendorffAlpha([
        ["a", "a"],
        ["b", "b"],
      ]).alpha,
    ).toBe(1);
    expect(
      krippendorffAlpha([
        ["a", "b"],
        ["b", "a"],
      ]).alpha,
    ).toBeLessThan(0);
  });
});

// ---------- properties ----------

/** Units × raters with values from a small alphabet and some missing. */
const data = (raters: fc.Arbitrary<number>) =>
  raters.chain((n) =>
    fc.array(
      fc.array(fc.option(fc.constantFrom("a", "b", "c", "d"), { nil: null, freq: 4 }), {
        minLength: n,
        maxLength: n,
      }),
      { minLength: 1, maxLength: 25 },
    ),
  );

const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const random = mulberry32(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};

describe("Krippendorff's alpha: properties", () => {
  it("is exactly 1 whenever every unit agrees and the data hold two distinct values", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom("a", "b", "c"),
            fc.array(fc.boolean(), { minLength: 3, maxLength: 6 }),
          ),
          { minLength: 2, maxLength: 20 },
        ),
        (units) => {
          const rows = units.map(([value, present]) => present.map((p) => (p ? value : null)));
          const { alpha, pairableUnits } = krippendorffAlpha(rows);
          const pairable = rows.filter((row) => row.filter((r) => r !== null).length >= 2);
          const distinct = new Set(pairable.flat().filter((r) => r !== null));
          fc.pre(pairableUnits > 0 && distinct.size >= 2);
          expect(alpha).toBe(1);
        },
      ),
    );
  });

  it("does not change when values are relabelled", () => {
    fc.assert(
      fc.property(data(fc.integer({ min: 2, max: 6 })), (rows) => {
        const relabel: Record<string, string> = { a: "yes", b: "no", c: "NA", d: '["x","y"]' };
        const renamed = rows.map((row) => row.map((r) => (r === null ? null : (relabel[r] ?? r))));
        expect(krippendorffAlpha(renamed)).toEqual(krippendorffAlpha(rows));
      }),
    );
  });

  it("does not change when coders are reordered", () => {
    fc.assert(
      fc.property(data(fc.integer({ min: 2, max: 6 })), fc.integer(), (rows, seed) => {
        const order = shuffled(rows[0]?.map((_, i) => i) ?? [], seed);
        const reordered = rows.map((row) => order.map((i) => row[i] ?? null));
        expect(krippendorffAlpha(reordered)).toEqual(krippendorffAlpha(rows));
      }),
    );
  });

  it("does not change (beyond rounding) when units are reordered", () => {
    fc.assert(
      fc.property(data(fc.integer({ min: 2, max: 6 })), fc.integer(), (rows, seed) => {
        const before = krippendorffAlpha(rows);
        const after = krippendorffAlpha(shuffled(rows, seed));
        expect(after.pairableUnits).toBe(before.pairableUnits);
        if (before.alpha === null) expect(after.alpha).toBeNull();
        else expect(after.alpha).toBeCloseTo(before.alpha, 12);
      }),
    );
  });
});

// ---------- the bootstrap ----------

describe("bootstrapInterval", () => {
  it("gives the same interval for the same data, around the paper's 0.743", () => {
    const first = bootstrapInterval(fourCodersMissing);
    expect(first).toEqual(bootstrapInterval(fourCodersMissing));
    const [lower, upper] = first ?? [NaN, NaN];
    expect(lower).toBeLessThan(0.743);
    expect(upper).toBeGreaterThan(0.743);
    expect(upper).toBeLessThanOrEqual(1);
  });

  it("seeds its generator from the data: other data, other draws", () => {
    const seed = fnv1a(canonicalText(fourCodersMissing));
    expect(bootstrapInterval(fourCodersMissing, { seed })).toEqual(
      bootstrapInterval(fourCodersMissing),
    );
    expect(fnv1a(canonicalText(nominalTwoCoders))).not.toBe(seed);
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
  });

  /** The interval rebuilt step by step with the generator the implementation uses. */
  function simulated(units: ReliabilityData, seed: number, resamples: number) {
    const random = mulberry32(seed);
    const kept: number[] = [];
    for (let b = 0; b < resamples; b++) {
      const draw = units.map(() => units[Math.floor(random() * units.length)] ?? []);
      const { alpha } = krippendorffAlpha(draw);
      if (alpha !== null) kept.push(alpha);
    }
    kept.sort((x, y) => x - y);
    const k = kept.length;
    const interval = [kept[Math.floor(0.025 * k)], kept[Math.ceil(0.975 * k) - 1]];
    return { k, interval: resamples - k > 0.05 * resamples ? null : interval };
  }

  it("takes the sorted values at ⌊0.025·k⌋ and ⌈0.975·k⌉ − 1 of the k resamples kept", () => {
    // Every unit holds both values: no resample is dropped, k = B = 40, bounds at 1 and 38.
    const mixed: ReliabilityData = [
      ["a", "b", null],
      ["a", "b", "a"],
      ["b", "b", "a"],
      ["a", "a", "b"],
    ];
    const all = simulated(mixed, 7, 40);
    expect(all.k).toBe(40);
    expect(bootstrapInterval(mixed, { seed: 7, resamples: 40 })).toEqual(all.interval);
    // 4 disagreeing units among 60 agreeing on one value: a resample without any of them
    // (about 1.6%) is dropped, and the bounds are taken among those kept.
    const rare: ReliabilityData = Array.from({ length: 60 }, (_, i) =>
      i < 4 ? ["a", "b"] : ["a", "a"],
    );
    const some = simulated(rare, 11, 1000);
    expect(some.k).toBeLessThan(1000);
    expect(some.interval).not.toBeNull();
    expect(bootstrapInterval(rare, { seed: 11 })).toEqual(some.interval);
  });

  it("is null when more than 5% of the resamples have expected disagreement 0", () => {
    // One unit agreeing on a, one disagreeing: a quarter of the resamples hold only a's.
    const twoUnits: ReliabilityData = [
      ["a", "a"],
      ["a", "b"],
    ];
    expect(krippendorffAlpha(twoUnits).alpha).not.toBeNull();
    expect(simulated(twoUnits, 3, 1000).interval).toBeNull();
    expect(bootstrapInterval(twoUnits, { seed: 3 })).toBeNull();
  });

  it("is null with fewer than 2 pairable units, or when alpha is null", () => {
    expect(bootstrapInterval([["a", "b"]])).toBeNull();
    expect(
      bootstrapInterval([
        ["a", "a"],
        ["a", "a"],
        ["a", null],
      ]),
    ).toBeNull();
  });

  it("resamples 1,000 times unless told otherwise", () => {
    expect(BOOTSTRAP_RESAMPLES).toBeGreaterThanOrEqual(1000);
    expect(bootstrapInterval(fourCodersMissing, { seed: 1 })).toEqual(
      simulated(
        fourCodersMissing.filter((row) => row.filter((r) => r !== null).length >= 2),
        1,
        1000,
      ).interval,
    );
  });
});

describe("mulberry32", () => {
  it("is deterministic and uniform enough for resampling", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 10_000 }, () => a());
    expect(draws.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });
});

// ---------- percent agreement and scores ----------

describe("percentAgreement", () => {
  it("is the share of agreeing pairs among pairs of given values", () => {
    const unit: Rating[] = ["a", "a", "b", null];
    expect(percentAgreement([unit])).toBeCloseTo(1 / 3, 12);
    expect(percentAgreement([["a", null]])).toBeNull();
    // Pooled: 1 agreeing of 3 pairs, then 1 of 1.
    expect(percentAgreement([unit, ["c", "c"]])).toBeCloseTo(2 / 4, 12);
  });
});

describe("summarizeScores", () => {
  it("gives mean, min, max and the sample standard deviation", () => {
    expect(summarizeScores([80, 90, 100])).toEqual({ mean: 90, min: 80, max: 100, stdDev: 10 });
    expect(summarizeScores([75])).toEqual({ mean: 75, min: 75, max: 75, stdDev: null });
    expect(summarizeScores([])).toEqual({ mean: null, min: null, max: null, stdDev: null });
  });
});
