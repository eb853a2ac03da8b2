import { describe, expect, it } from "vitest";
import { emptyBucket, type BucketSums, type DaySums } from "./analytics.js";
import { agentProfile, sessionsByEvaluator, skillGaps, trend } from "./analytics-reads.js";
import { analyticsWindow } from "./analytics-window.js";

const NOW = new Date("2026-11-26T10:00:00.000Z");

function bucket(
  agentId: string,
  formId: string | null,
  days: Record<string, Partial<DaySums>>,
): BucketSums {
  const month = Object.keys(days)[0]?.slice(0, 7) ?? "2026-11";
  const { applied: _applied, ...sums } = emptyBucket("t1", { agentId, formId, month }, NOW);
  const full: Record<string, DaySums> = {};
  for (const [day, values] of Object.entries(days))
    full[day] = { sessions: 0, scored: 0, sum: 0, autofailed: 0, questions: {}, ...values };
  return { ...sums, days: full };
}

/** [n, Σx, Σx²] of some scores. */
const sums = (...xs: number[]): [number, number, number] => [
  xs.length,
  xs.reduce((s, x) => s + x, 0),
  xs.reduce((s, x) => s + x * x, 0),
];

describe("trend", () => {
  const days = {
    "2026-11-29": { sessions: 2, scored: 2, sum: 150 }, // a Sunday
    "2026-11-30": { sessions: 1, scored: 0, sum: 0 }, // a Monday, no score
    "2026-12-01": { sessions: 1, scored: 1, sum: 40 },
  };
  const buckets = [
    bucket("a", null, { "2026-11-29": days["2026-11-29"], "2026-11-30": days["2026-11-30"] }),
    bucket("a", null, { "2026-12-01": days["2026-12-01"] }),
  ];
  const window = analyticsWindow({ from: "2026-11-01", to: "2027-01-01" }, NOW);

  it("starts weeks on Monday and months on the 1st, and leaves empty buckets out", () => {
    expect(trend(buckets, window, "week")).toEqual([
      { start: "2026-11-23T00:00:00.000Z", sessions: 2, mean: 75 },
      { start: "2026-11-30T00:00:00.000Z", sessions: 2, mean: 40 },
    ]);
    expect(trend(buckets, window, "month")).toEqual([
      { start: "2026-11-01T00:00:00.000Z", sessions: 3, mean: 75 },
      { start: "2026-12-01T00:00:00.000Z", sessions: 1, mean: 40 },
    ]);
    expect(trend(buckets, window, "day")[1]).toEqual({
      start: "2026-11-30T00:00:00.000Z",
      sessions: 1,
      mean: null,
    });
  });

  it("counts only days inside the window in a bucket that crosses its edge", () => {
    const cut = analyticsWindow({ from: "2026-11-30", to: "2026-12-01" }, NOW);
    expect(trend(buckets, cut, "month")).toEqual([
      { start: "2026-11-01T00:00:00.000Z", sessions: 1, mean: null },
    ]);
  });
});

describe("skillGaps and agentProfile", () => {
  const window = analyticsWindow({ from: "2026-11-01", to: "2026-12-01" }, NOW);
  const day = "2026-11-10";
  // Two agents tie on the same gap; a third scores well; "x" has too few scores.
  const buckets = [
    bucket("b", "f", { [day]: { sessions: 5, questions: { q: sums(0, 0, 0, 0, 0), x: sums(0) } } }),
    bucket("a", "f", { [day]: { sessions: 5, questions: { q: sums(0, 0, 0, 0, 0) } } }),
    bucket("c", "f", {
      [day]: { sessions: 6, questions: { q: sums(100, 100, 100, 100, 100, 90), x: sums(100) } },
    }),
  ];

  it("orders ties by agent and leaves out pairs below minN on either side", () => {
    const rows = skillGaps(buckets, window, new Map(), {
      minN: 5,
      alpha: 0.05,
      correction: "none",
    });
    expect(rows.map((r) => [r.agentId, r.questionId])).toEqual([
      ["a", "q"],
      ["b", "q"],
    ]);
    expect(rows[0]).toMatchObject({ n: 5, mean: 0, others: { n: 11 }, text: "q" });
    // SciPy 1.17.1: ttest_ind([0]*5, [0]*5 + [100]*5 + [90], equal_var=False).pvalue; three
    // tests were made (a, b and c on q) and false_discovery_control over them gives the same.
    const expected = 0.006136701730076685;
    expect(Math.abs((rows[0]?.pValue ?? 0) - expected)).toBeLessThan(1e-12);
    expect(Math.abs((rows[0]?.qValue ?? 0) - expected)).toBeLessThan(1e-12);
    expect(skillGaps(buckets, window, new Map(), { minN: 6, alpha: 1, correction: "bh" })).toEqual(
      [],
    );
  });

  it("profiles one form's figures with formId, and leaves out questions without a score", () => {
    const formBuckets = [
      bucket("a", "f", {
        [day]: { sessions: 2, scored: 2, sum: 120, autofailed: 1, questions: { q: sums(0, 20) } },
      }),
      bucket("c", "f", {
        [day]: { sessions: 1, scored: 1, sum: 90, questions: { q: sums(90), r: sums(50) } },
      }),
    ];
    const profile = agentProfile({
      agentId: "a",
      formId: "f",
      window,
      asOf: NOW.toISOString(),
      formBuckets,
      sessionBuckets: [],
      catalogs: new Map(),
    });
    expect(profile).toMatchObject({
      sessions: 2,
      score: { n: 2, mean: 60 },
      autofailRate: 0.5,
      forms: [{ formId: "f", name: "f", sessions: 2, mean: 60, autofailRate: 0.5 }],
    });
    expect(profile.questions).toEqual([
      {
        formId: "f",
        questionId: "q",
        text: "q",
        n: 2,
        mean: 10,
        others: { n: 1, mean: 90 },
        gap: -80,
        pValue: null,
      },
    ]);
  });
});

describe("sessionsByEvaluator", () => {
  it("sums the sessions buckets' days inside the window, per evaluator", () => {
    const window = analyticsWindow({ from: "2026-11-02", to: "2026-11-04" }, NOW);
    const counts = sessionsByEvaluator(
      [
        bucket("a1", null, {
          "2026-11-01": { sessions: 5, evaluators: { ann: 5 } },
          "2026-11-02": { sessions: 2, evaluators: { ann: 1, bob: 1 } },
          "2026-11-03": { sessions: 1, evaluators: { bob: 1 } },
        }),
        bucket("a2", null, { "2026-11-03": { sessions: 3, evaluators: { ann: 3 } } }),
        // A form bucket never counts (it holds no evaluators, and must not be read for them).
        bucket("a2", "care", { "2026-11-03": { sessions: 3, evaluators: { ann: 3 } } }),
      ],
      window,
    );
    expect(Object.fromEntries(counts)).toEqual({ ann: 4, bob: 2 });
  });
});
