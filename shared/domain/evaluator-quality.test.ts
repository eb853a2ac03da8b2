import { describe, expect, it } from "vitest";
import { calibrationForm, answersOf } from "../../test/support/calibration-fixtures.js";
import type { CalibrationSession } from "./calibration.js";
import {
  disputeFigures,
  evaluatorQuality,
  type CalibrationCase,
  type ResolvedDispute,
} from "./evaluator-quality.js";
import type { FormSnapshot } from "./model.js";
import { scoreSession } from "./scoring.js";

const window = { from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" };
const IN = "2026-11-15T10:00:00.000Z";
const BEFORE = "2026-10-15T10:00:00.000Z";

const form = calibrationForm(4, 2);
const snapshot: FormSnapshot = { formId: "f", version: 1, name: form.name, groups: form.groups };

function rated(
  calibrationId: string,
  evaluatorId: string,
  row: (number | null)[],
  overrides: Partial<CalibrationSession> = {},
): CalibrationSession {
  const answers = answersOf("f", row);
  return {
    id: `${calibrationId}-${evaluatorId}`,
    calibrationId,
    evaluatorId,
    state: "Completed",
    archived: false,
    dueDate: "2026-12-31T00:00:00.000Z",
    completedAt: IN,
    answers,
    score: scoreSession([snapshot], answers).session,
    ...overrides,
  };
}

const calibrationCase = (
  expertEvaluatorId: string | null,
  sessions: readonly CalibrationSession[],
): CalibrationCase => ({ calibration: { forms: [snapshot], expertEvaluatorId }, sessions });

describe("evaluatorQuality: calibrations", () => {
  // Values 1 (score 100) and 2 (score 0) over four equally weighted questions.
  const c1 = calibrationCase("xp", [
    rated("c1", "xp", [1, 1, 1, 1]), // 100
    rated("c1", "ann", [1, 1, 2, 2]), // 50: 2 of 4 units match
    rated("c1", "ben", [1, 1, 1, null]), // 100 (unanswered: no score), 3 of 4 match
  ]);
  const c2 = calibrationCase("xp", [
    rated("c2", "xp", [2, 2, 2, 2], { completedAt: BEFORE }), // 0, the expert's, outside the window
    rated("c2", "ann", [2, 2, 2, 1]), // 25: 3 of 4
  ]);

  const noDisputes = { disputesReceived: 0, disputeItemsAccepted: 0, graderErrors: 0 };

  it("pools match rates over units and averages absolute score deviations", () => {
    const rows = evaluatorQuality({
      window,
      completions: new Map(),
      calibrations: [c1, c2],
      disputes: [],
    });
    const ben = rows.find((r) => r.evaluatorId === "ben");
    expect(rows.map((r) => r.evaluatorId)).toEqual(["ann", "ben"]);
    expect(rows[0]).toEqual({
      evaluatorId: "ann",
      sessionsCompleted: 0,
      calibrations: 2,
      meanAbsDeviationFromExpert: (50 + 25) / 2,
      expertMatchRate: (2 + 3) / 8,
      ...noDisputes,
    });
    expect(ben).toMatchObject({
      calibrations: 1,
      meanAbsDeviationFromExpert: 0,
      expertMatchRate: 0.75,
    });
  });

  it("counts a calibration only with a counted expert session and the evaluator's own in the window", () => {
    const noExpert = calibrationCase(null, c1.sessions);
    const archivedExpert = calibrationCase("xp", [
      rated("c3", "xp", [1, 1, 1, 1], { archived: true }),
      rated("c3", "ann", [1, 1, 1, 1]),
    ]);
    const ownBefore = calibrationCase("xp", [
      rated("c4", "xp", [1, 1, 1, 1]),
      rated("c4", "ann", [1, 1, 1, 1], { completedAt: BEFORE }),
    ]);
    const ownArchived = calibrationCase("xp", [
      rated("c5", "xp", [1, 1, 1, 1]),
      rated("c5", "ann", [1, 1, 1, 1], { archived: true }),
    ]);
    const rows = evaluatorQuality({
      window,
      completions: new Map(),
      calibrations: [noExpert, archivedExpert, ownBefore, ownArchived],
      disputes: [],
    });
    expect(rows).toEqual([]);
  });

  it("lists evaluators with completions too, by evaluatorId, with no disputes counted as none", () => {
    const rows = evaluatorQuality({
      window,
      completions: new Map([
        ["zoe", 3],
        ["nil", 0],
      ]),
      calibrations: [c1],
      disputes: [],
    });
    expect(rows.map((r) => [r.evaluatorId, r.sessionsCompleted, r.calibrations])).toEqual([
      ["ann", 0, 1],
      ["ben", 0, 1],
      ["zoe", 3, 0],
    ]);
    expect(rows[2]).toEqual({
      evaluatorId: "zoe",
      sessionsCompleted: 3,
      calibrations: 0,
      meanAbsDeviationFromExpert: null,
      expertMatchRate: null,
      ...noDisputes,
    });
  });

  it("adds the dispute figures when disputes are given", () => {
    const disputes: ResolvedDispute[] = [
      { evaluatorId: "zoe", status: "Rejected", resolvedAt: IN, items: [] },
    ];
    const rows = evaluatorQuality({
      window,
      completions: new Map([["ann", 1]]),
      calibrations: [],
      disputes,
    });
    expect(rows).toEqual([
      expect.objectContaining({ evaluatorId: "ann", disputesReceived: 0, graderErrors: 0 }),
      expect.objectContaining({ evaluatorId: "zoe", sessionsCompleted: 0, disputesReceived: 1 }),
    ]);
  });
});

describe("disputeFigures", () => {
  const accepted = (reasonCode: string) => ({ decision: { outcome: "accepted", reasonCode } });
  const rejected = { decision: { outcome: "rejected", reasonCode: "NOT_GRADER_ERROR" } };

  it("counts resolved disputes in the window by resolvedAt, not withdrawn or open ones", () => {
    const figures = disputeFigures(
      [
        {
          evaluatorId: "ann",
          status: "PartiallyAccepted",
          resolvedAt: IN,
          items: [accepted("GRADER_ERROR"), accepted("FORM_UNCLEAR"), rejected],
        },
        {
          evaluatorId: "ann",
          status: "Accepted",
          resolvedAt: IN,
          items: [accepted("GRADER_ERROR")],
        },
        { evaluatorId: "ann", status: "Rejected", resolvedAt: BEFORE, items: [rejected] },
        {
          evaluatorId: "ann",
          status: "Withdrawn",
          resolvedAt: IN,
          items: [accepted("GRADER_ERROR")],
        },
        { evaluatorId: "ann", status: "Open", resolvedAt: null, items: [{}] },
        { evaluatorId: "ben", status: "Rejected", resolvedAt: IN, items: [rejected, rejected] },
      ],
      window,
    );
    expect(Object.fromEntries(figures)).toEqual({
      ann: { disputesReceived: 2, disputeItemsAccepted: 3, graderErrors: 2 },
      ben: { disputesReceived: 1, disputeItemsAccepted: 0, graderErrors: 0 },
    });
  });
});
