import { describe, expect, it } from "vitest";
import {
  sessionSummaryView,
  sessionSummaryViewSchema,
  sessionView,
  sessionViewSchema,
} from "./sessions.js";
import {
  AFTER_DUE,
  T0,
  admin,
  agent,
  alice,
  newSession,
  saveAnswers,
} from "../../../test/support/domain-fixtures.js";

const at = (now: Date) => ({ now, disputes: { windowDays: 14, maxPerSession: 3 } });

const worked = () =>
  saveAnswers(newSession(), alice, { care: { greet: { answerIds: ["yes"] } } }, undefined, T0);

describe("sessionView", () => {
  it("shows the derived status, scores and missingRequired, and no storage fields", () => {
    const view = sessionView(worked(), alice, false, at(AFTER_DUE));
    expect(sessionViewSchema.parse(view)).toEqual(view);
    expect(view.status).toBe("Expired");
    expect(view.scores?.session).toBe(100);
    expect(view.missingRequired).toEqual([
      { formId: "care", questionId: "verify" },
      { formId: "care", questionId: "resolved" },
    ]);
    for (const key of ["tenantId", "revision", "pendingEvents", "hasPendingEvents", "state"]) {
      expect(view).not.toHaveProperty(key);
    }
  });
  it("hides scores, weights, answer scores and autofail marks from an agent without showScore", () => {
    const view = sessionView(worked(), agent, false, at(T0));
    expect(view).not.toHaveProperty("scores");
    const text = JSON.stringify(view.forms);
    expect(text).not.toMatch(/"weight"|"score"|"autofail"/);
    expect(view.answers).toEqual({ care: { greet: { answerIds: ["yes"] } } });
  });
  it("shows them to the agent when an action item says showScore", () => {
    const view = sessionView(worked(), agent, true, at(T0));
    expect(view.scores?.session).toBe(100);
    expect(JSON.stringify(view.forms)).toMatch(/"autofail":true/);
  });
});

describe("sessionSummaryView", () => {
  const summary = { ...newSession(), interaction: { id: "i1", externalId: "ext-1" }, score: 75 };
  it("is a grid row with the score for staff", () => {
    const row = sessionSummaryView(summary, admin, false, T0);
    expect(sessionSummaryViewSchema.parse(row)).toEqual(row);
    expect(row).toMatchObject({
      status: "Pending",
      score: 75,
      interaction: { id: "i1", externalId: "ext-1" },
    });
    expect(Object.keys(row)).not.toContain("answers");
  });
  it("has no score for an agent without showScore", () => {
    expect(sessionSummaryView(summary, agent, false, T0)).not.toHaveProperty("score");
    expect(sessionSummaryView(summary, agent, true, T0).score).toBe(75);
  });
});
