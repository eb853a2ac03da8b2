import { describe, expect, it } from "vitest";
import {
  admin,
  agent,
  alice,
  bob,
  customerCareSnapshot,
  DUE,
  T0,
} from "../../test/support/domain-fixtures.js";
import type { Actor } from "./access.js";
import {
  assertSameSubject,
  authorizeResults,
  calibrationSettingsSchema,
  changeSettings,
  newCalibration,
  summaryOf,
  withMember,
  type CalibrationPlan,
} from "./calibration.js";
import { AppError, validationFailed } from "./errors.js";
import { parsed } from "./requests.js";

const plan = (overrides: Partial<CalibrationPlan> = {}): CalibrationPlan => ({
  name: "Calibration",
  type: "Calibration",
  formIds: ["care"],
  evaluatorId: "alice",
  calibrationId: "cal",
  dueDate: DUE,
  interaction: { mode: "manual", interactionId: "i1" },
  ...overrides,
});

const created = newCalibration(
  plan(),
  { tenantId: "t1", interactionId: "i1", forms: [customerCareSnapshot], sessionId: "s1" },
  admin,
  T0,
);

/** The code of the AppError `run` throws, or "ok". */
const refusal = (run: () => unknown): string => {
  try {
    run();
    return "ok";
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
};

describe("newCalibration", () => {
  it("fixes the first session's interaction and forms, expert null and blind", () => {
    expect(created).toEqual({
      id: "cal",
      tenantId: "t1",
      interactionId: "i1",
      formIds: ["care"],
      forms: [customerCareSnapshot],
      expertEvaluatorId: null,
      blind: true,
      members: [{ evaluatorId: "alice", sessionId: "s1", joinedAt: T0.toISOString() }],
      createdAt: T0.toISOString(),
      createdBy: "admin",
    });
  });
});

describe("assertSameSubject", () => {
  it("admits the same interaction and forms, in any order", () => {
    const two = { ...created, formIds: ["care", "other"] };
    expect(refusal(() => assertSameSubject(two, plan({ formIds: ["other", "care"] })))).toBe("ok");
  });
  it("refuses another interaction, a criteria pick, or other forms: CALIBRATION_MISMATCH", () => {
    for (const other of [
      plan({ interaction: { mode: "manual", interactionId: "i2" } }),
      plan({ interaction: { mode: "criteria", criteria: { agentId: "agent1" } } }),
      plan({ formIds: ["care", "other"] }),
      plan({ formIds: ["other"] }),
    ]) {
      expect(refusal(() => assertSameSubject(created, other))).toBe("CALIBRATION_MISMATCH");
    }
  });
});

describe("changeSettings", () => {
  const joined = withMember(created, { evaluatorId: "bob", sessionId: "s2" }, T0);

  it("replaces both settings; an omitted blind means true", () => {
    const body = calibrationSettingsSchema.parse({ expertEvaluatorId: "bob" });
    expect(body).toEqual({ expertEvaluatorId: "bob", blind: true });
    const unblind = changeSettings(joined, parsed({ expertEvaluatorId: "bob", blind: false }));
    expect(unblind).toMatchObject({ expertEvaluatorId: "bob", blind: false });
    const back = changeSettings(unblind, parsed({ expertEvaluatorId: null, blind: true }));
    expect(back).toMatchObject({ expertEvaluatorId: null, blind: true });
  });

  it("refuses an expert without a session in it (422), after the body (400)", () => {
    expect(
      refusal(() => changeSettings(joined, parsed({ expertEvaluatorId: "carol", blind: true }))),
    ).toBe("EXPERT_NOT_PARTICIPANT");
    const bad = { ok: false as const, error: validationFailed([{ path: "blind", message: "x" }]) };
    expect(refusal(() => changeSettings(joined, bad))).toBe("VALIDATION_FAILED");
    expect(calibrationSettingsSchema.safeParse({ blind: true }).success).toBe(false);
  });
});

describe("authorizeResults", () => {
  const sessions = [
    { evaluatorId: "alice", state: "InProgress" as const },
    { evaluatorId: "bob", state: "Completed" as const },
  ];
  const outcome = (actor: Actor, blind = true) =>
    refusal(() => authorizeResults({ id: "cal", blind }, sessions, actor));

  it("lets Administrators read, and members once their own session is Completed while blind", () => {
    expect(outcome(admin)).toBe("ok");
    expect(outcome(bob)).toBe("ok");
    expect(outcome(alice)).toBe("CALIBRATION_NOT_SUBMITTED");
    expect(outcome(alice, false)).toBe("ok");
  });

  it("hides the calibration from everyone else (404)", () => {
    const carol: Actor = { ...alice, userId: "carol" };
    expect(outcome(carol)).toBe("NOT_FOUND");
    expect(outcome(carol, false)).toBe("NOT_FOUND");
    expect(outcome(agent)).toBe("NOT_FOUND");
    // An agent whose id happens to be a member's is still no Evaluator.
    expect(outcome({ ...agent, userId: "bob" })).toBe("NOT_FOUND");
  });
});

describe("summaryOf", () => {
  it("counts every session as a participant and the completed, non-archived ones", () => {
    const states = [
      { calibrationId: "cal", state: "Completed" as const, archived: false },
      { calibrationId: "cal", state: "Completed" as const, archived: true },
      { calibrationId: "cal", state: "Pending" as const, archived: false },
      { calibrationId: "other", state: "Completed" as const, archived: false },
    ];
    expect(summaryOf(created, states)).toEqual({
      calibrationId: "cal",
      interactionId: "i1",
      formIds: ["care"],
      expertEvaluatorId: null,
      blind: true,
      participants: 3,
      completed: 1,
      createdAt: T0.toISOString(),
    });
  });
});
