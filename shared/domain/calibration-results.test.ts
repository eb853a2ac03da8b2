import { describe, expect, it } from "vitest";
import {
  answersOf,
  calibrationForm,
  observers,
  publishedExample,
  questionId,
} from "../../test/support/calibration-fixtures.js";
import type { Calibration, CalibrationSession } from "./calibration.js";
import { bootstrapInterval } from "./agreement.js";
import { calibrationResults } from "./calibration-results.js";
import type { Answers, FormSnapshot } from "./model.js";
import { scoreSession } from "./scoring.js";
import { customerCareSnapshot, snapshotOf } from "../../test/support/domain-fixtures.js";

const NOW = new Date("2026-11-26T10:00:00.000Z");
const form = calibrationForm(12);
const snapshot: FormSnapshot = { formId: "f1", version: 1, name: form.name, groups: form.groups };

function calibration(overrides: Partial<Calibration> = {}, forms = [snapshot]): Calibration {
  return {
    id: "cal",
    tenantId: "t1",
    interactionId: "i1",
    formIds: forms.map((f) => f.formId),
    forms,
    expertEvaluatorId: null,
    blind: true,
    members: [],
    createdAt: "2026-11-01T00:00:00.000Z",
    createdBy: "admin",
    ...overrides,
  };
}

function session(
  evaluatorId: string,
  answers: Answers,
  overrides: Partial<CalibrationSession> = {},
  forms = [snapshot],
): CalibrationSession {
  return {
    id: `s-${evaluatorId}`,
    calibrationId: "cal",
    evaluatorId,
    state: "Completed",
    archived: false,
    dueDate: "2026-12-01T00:00:00.000Z",
    completedAt: "2026-11-20T00:00:00.000Z",
    answers,
    score: scoreSession(forms, answers).session,
    ...overrides,
  };
}

/** The four observers of the published example, each a completed session. */
const published = (): CalibrationSession[] =>
  publishedExample.map((row, i) => session(observers[i] ?? "", answersOf("f1", row)));

describe("calibrationResults: the published example", () => {
  const results = calibrationResults(calibration(), published(), NOW);

  it("reproduces Krippendorff's 0.743 over 11 pairable units, with a bootstrap interval", () => {
    expect(results.agreement.krippendorffAlpha?.toFixed(3)).toBe("0.743");
    expect(results.agreement.units).toBe(11);
    const [lower, upper] = results.agreement.ci95 ?? [NaN, NaN];
    expect(lower).toBeLessThan(0.743);
    expect(upper).toBeGreaterThan(0.743);
    expect(calibrationResults(calibration(), published(), NOW).agreement.ci95).toEqual(
      results.agreement.ci95,
    );
  });

  it("pools percent agreement over units and gives it per question", () => {
    // 43 agreeing pairs of 55: 6 pairs in each of units 3, 4, 5, 7, 9; 3 in units 1 and 10,
    // 1 in unit 11, 3 of 6 in units 2 and 8, none of 6 in unit 6; unit 12 has no pair.
    expect(results.agreement.percent).toBeCloseTo(43 / 55, 12);
    const percent = Object.fromEntries(results.questions.map((q) => [q.questionId, q.percent]));
    expect(percent).toMatchObject({ q001: 1, q002: 0.5, q006: 0, q011: 1, q012: null });
  });

  it("lists every scored question in form order with each evaluator's value or null", () => {
    expect(results.questions.map((q) => q.questionId)).toEqual(
      Array.from({ length: 12 }, (_, i) => questionId(i)),
    );
    expect(results.questions[0]).toMatchObject({
      formId: "f1",
      text: "Question 1?",
      answers: {
        ann: { answerIds: ["v1"] },
        ben: { answerIds: ["v1"] },
        cat: null,
        dan: { answerIds: ["v1"] },
      },
      expert: null,
      deviatesFromExpert: null,
    });
  });

  it("summarises the completed scores, each evaluator's deviation from their mean", () => {
    const scores = published().map((s) => s.score ?? NaN);
    const mean = scores.reduce((a, b) => a + b, 0) / 4;
    expect(results.score?.mean).toBeCloseTo(mean, 12);
    expect(results.score?.min).toBe(Math.min(...scores));
    expect(results.score?.max).toBe(Math.max(...scores));
    const variance = scores.reduce((a, s) => a + (s - mean) ** 2, 0) / 3;
    expect(results.score?.stdDev).toBeCloseTo(Math.sqrt(variance), 12);
    expect(results.evaluators.map((e) => e.evaluatorId)).toEqual([...observers]);
    for (const [i, row] of results.evaluators.entries()) {
      expect(row.deviationFromMean).toBeCloseTo((scores[i] ?? NaN) - mean, 12);
      expect(row).toMatchObject({ deviationFromExpert: null, expertMatchRate: null });
    }
  });
});

describe("calibrationResults: the bootstrap's order", () => {
  it("orders units by (formId, questionId) and raters by evaluatorId, whatever the forms' order", () => {
    // The same questions, listed last to first: the interval is the one of the sorted data.
    const group = snapshot.groups[0];
    const reversed: FormSnapshot = {
      ...snapshot,
      groups: group ? [{ ...group, questions: [...group.questions].reverse() }] : [],
    };
    const sessions = published();
    const sorted = calibrationResults(calibration(), sessions, NOW).agreement;
    const shuffled = calibrationResults(
      calibration({}, [reversed]),
      [...sessions].reverse(),
      NOW,
    ).agreement;
    expect(shuffled).toEqual(sorted);
    const data = Array.from({ length: 12 }, (_, u) =>
      publishedExample.map((row) => {
        const value = row[u];
        return value === null || value === undefined ? null : JSON.stringify([`v${value}`]);
      }),
    );
    expect(sorted.ci95).toEqual(bootstrapInterval(data));
  });

  it("counts the expert's values in alpha like everyone else's", () => {
    const withExpert = calibrationResults(
      calibration({ expertEvaluatorId: "ann" }),
      published(),
      NOW,
    );
    expect(withExpert.agreement).toEqual(
      calibrationResults(calibration(), published(), NOW).agreement,
    );
  });
});

describe("calibrationResults: who is compared", () => {
  it("compares only Completed, non-archived sessions and lists everyone as a participant", () => {
    const sessions = [
      ...published(),
      session("eve", answersOf("f1", [5, 5, 5]), { state: "InProgress", score: 0 }),
      session("fay", answersOf("f1", [5, 5, 5]), { archived: true }),
    ];
    const results = calibrationResults(calibration(), sessions, NOW);
    expect(results.completed).toBe(4);
    expect(results.participants.map((p) => [p.evaluatorId, p.status])).toEqual([
      ["ann", "Completed"],
      ["ben", "Completed"],
      ["cat", "Completed"],
      ["dan", "Completed"],
      ["eve", "InProgress"],
      ["fay", "Completed"],
    ]);
    // No live score for the open session; the archived completed one keeps its score.
    expect(results.participants[4]?.score).toBeNull();
    expect(results.participants[5]?.score).toBe(0);
    expect(results.agreement.krippendorffAlpha?.toFixed(3)).toBe("0.743");
    expect(Object.keys(results.questions[0]?.answers ?? {})).toEqual([...observers]);
  });

  it("shows an open session past its due date as Expired", () => {
    const late = session("eve", {}, { state: "Pending", dueDate: "2026-11-01T00:00:00.000Z" });
    expect(calibrationResults(calibration(), [late], NOW).participants[0]?.status).toBe("Expired");
  });

  it("has no alpha, interval or units with fewer than 2 completed sessions", () => {
    const one = calibrationResults(calibration(), published().slice(0, 1), NOW);
    expect(one.agreement).toEqual({ krippendorffAlpha: null, ci95: null, percent: null, units: 0 });
    expect(one.score?.stdDev).toBeNull();
    const none = calibrationResults(calibration(), [], NOW);
    expect(none.score).toBeNull();
    expect(none.completed).toBe(0);
    expect(none.questions[0]?.answers).toEqual({});
  });

  it("is null when every value is the same, 1 when raters agree on two distinct values", () => {
    const same = [1, 1, 1].map((v) => Array.from({ length: 12 }, () => v));
    const sessions = same.map((row, i) => session(observers[i] ?? "", answersOf("f1", row)));
    expect(calibrationResults(calibration(), sessions, NOW).agreement).toMatchObject({
      krippendorffAlpha: null,
      ci95: null,
      percent: 1,
      units: 12,
    });
    const two = Array.from({ length: 12 }, (_, i) => 1 + (i % 2));
    const agreeing = [0, 1, 2].map((i) => session(observers[i] ?? "", answersOf("f1", two)));
    expect(calibrationResults(calibration(), agreeing, NOW).agreement.krippendorffAlpha).toBe(1);
  });

  it("leaves null session scores (everything N/A) out of the summary, with null deviations", () => {
    const allNa = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [questionId(i), { na: true as const }]),
    );
    const sessions = [...published().slice(0, 2), session("zed", { f1: allNa })];
    const results = calibrationResults(calibration(), sessions, NOW);
    expect(sessions[2]?.score).toBeNull();
    expect(results.score?.mean).toBeCloseTo(
      ((sessions[0]?.score ?? 0) + (sessions[1]?.score ?? 0)) / 2,
      12,
    );
    expect(results.evaluators.find((e) => e.evaluatorId === "zed")).toMatchObject({
      score: null,
      deviationFromMean: null,
    });
  });
});

describe("calibrationResults: values", () => {
  // One multi-choice question (answers v1–v3) and the example form's text question.
  const [choice] = calibrationForm(1, 3).groups[0]?.questions ?? [];
  const notes = customerCareSnapshot.groups[1]?.questions[1];
  const multi = snapshotOf(
    "m",
    [
      ...(choice ? [{ ...choice, id: "tags", type: "multiChoice" as const }] : []),
      ...(notes ? [notes] : []),
    ],
    1,
    "Multi",
  );

  it("takes chosen answers as a set, N/A as a value of its own, text questions as no unit", () => {
    const rate = (evaluatorId: string, answers: Answers) =>
      session(evaluatorId, answers, {}, [multi]);
    const results = calibrationResults(
      calibration({}, [multi]),
      [
        rate("a1", { m: { tags: { answerIds: ["a", "b"] }, notes: { text: "x" } } }),
        rate("a2", { m: { tags: { answerIds: ["b", "a"] } } }),
        rate("a3", { m: { tags: { na: true } } }),
      ],
      NOW,
    );
    expect(results.questions.map((q) => q.questionId)).toEqual(["tags"]);
    expect(results.questions[0]?.percent).toBeCloseTo(1 / 3, 12);
    expect(results.questions[0]?.answers.a3).toEqual({ na: true });
  });
});

describe("calibrationResults: the expert", () => {
  const withExpert = calibration({ expertEvaluatorId: "ann" });

  it("compares every other completed evaluator with the expert's values and score", () => {
    const sessions = published();
    const results = calibrationResults(withExpert, sessions, NOW);
    const q = (id: string) => results.questions.find((x) => x.questionId === id);
    expect(q("q001")).toMatchObject({ expert: { answerIds: ["v1"] }, deviatesFromExpert: ["cat"] });
    expect(q("q006")?.deviatesFromExpert).toEqual(["ben", "cat", "dan"]);
    // The expert gave no value: nothing deviates.
    expect(q("q010")).toMatchObject({ expert: null, deviatesFromExpert: [] });
    const rows = Object.fromEntries(results.evaluators.map((e) => [e.evaluatorId, e]));
    expect(rows.ann).toMatchObject({ deviationFromExpert: null, expertMatchRate: null });
    // ann answered units 1–9; ben matches all but unit 6; cat units 3, 4, 5, 7, 9; dan all but 6.
    expect(rows.ben?.expertMatchRate).toBeCloseTo(8 / 9, 12);
    expect(rows.cat?.expertMatchRate).toBeCloseTo(5 / 9, 12);
    expect(rows.dan?.expertMatchRate).toBeCloseTo(8 / 9, 12);
    const score = (id: string) => sessions.find((s) => s.evaluatorId === id)?.score ?? NaN;
    expect(rows.cat?.deviationFromExpert).toBeCloseTo(score("cat") - score("ann"), 12);
  });

  it("makes every expert figure null when the expert's session is archived or not completed", () => {
    for (const change of [{ archived: true }, { state: "InProgress" as const }]) {
      const sessions = published().map((s) => (s.evaluatorId === "ann" ? { ...s, ...change } : s));
      const results = calibrationResults(withExpert, sessions, NOW);
      expect(
        results.questions.every((q) => q.expert === null && q.deviatesFromExpert === null),
      ).toBe(true);
      expect(
        results.evaluators.every(
          (e) => e.deviationFromExpert === null && e.expertMatchRate === null,
        ),
      ).toBe(true);
    }
  });
});
