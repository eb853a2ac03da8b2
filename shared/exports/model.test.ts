import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { sessionDocumentSchema } from "../domain/model.js";
import { exportRows, formatDate, round2, type ExportInput } from "./model.js";
import { fixtureSession } from "../../test/support/export-fixture.js";

const at = new Date("2026-11-25T10:00:00Z");

describe("the fixture", () => {
  it("is a valid stored session for every size used by the tests and the benchmark", () => {
    for (const [forms, questionsPerForm] of [
      [1, 1],
      [2, 8],
      [3, 12],
      [5, 40],
    ] as const) {
      const s = fixtureSession({ forms, questionsPerForm });
      expect(sessionDocumentSchema.parse(s)).toEqual(s);
    }
    const open = fixtureSession({ state: "Unassigned", allAnswered: false });
    expect(sessionDocumentSchema.parse(open)).toEqual(open);
  });
});

describe("exportRows", () => {
  const session = fixtureSession({ forms: 2, questionsPerForm: 12 });
  const input: ExportInput = { session, status: "Completed", generatedAt: at };

  it("yields one row per question of every form, in form order", () => {
    const { rows } = exportRows(input);
    const expected = session.forms.flatMap((f) =>
      f.groups.flatMap((g) => g.questions.map((q) => `${f.formId}/${g.id}/${q.id}`)),
    );
    expect(rows.map((r) => `${r.formId}/${r.groupId}/${r.questionId}`)).toEqual(expected);
  });

  it("scores answers from the snapshot: chosen score, multiChoice summed and capped at 100", () => {
    const { rows } = exportRows(input);
    const f1 = rows.filter((r) => r.formId === "form-1");
    expect(f1[0]).toMatchObject({ type: "yesNo", answerLabels: ["Yes"], answerScore: 100 });
    expect(f1[1]).toMatchObject({ type: "singleChoice", answerLabels: ["Good"], answerScore: 75 });
    // 50 + 30 + 40 = 120, capped.
    expect(f1[2]).toMatchObject({ type: "multiChoice", answerScore: 100 });
    expect(f1[6]).toMatchObject({
      type: "multiChoice",
      answerLabels: ["Empathy", "Clarity"],
      answerScore: 80,
    });
    expect(f1[3]).toMatchObject({
      type: "text",
      answerScore: null,
      text: "Très bien, café offert — résumé clair",
    });
    const na = rows.filter((r) => r.na);
    expect(na.length).toBeGreaterThan(0);
    for (const r of na) expect(r.answerScore).toBeNull();
    const autofail = rows.filter((r) => r.autofail);
    expect(autofail).toHaveLength(1);
    expect(autofail[0]).toMatchObject({
      formId: "form-2",
      answerLabels: ["Clarity", "Rude to customer"],
      answerScore: 30,
    });
  });

  it("leaves unanswered questions without score and marks them", () => {
    const partial = fixtureSession({ forms: 1, questionsPerForm: 12, allAnswered: false });
    const { rows } = exportRows({ session: partial, status: "InProgress", generatedAt: at });
    const unanswered = rows.filter((r) => !r.answered);
    expect(unanswered.length).toBeGreaterThan(0);
    for (const r of unanswered) {
      expect(r).toMatchObject({ answerScore: null, answerLabels: [], na: false, text: null });
    }
  });

  it("takes form and session scores from the stored scores, rounded to 2 decimals, never recomputed", () => {
    const s = structuredClone(session);
    s.scores = {
      session: 12.3456,
      forms: {
        "form-1": { score: 66.666666, autofailed: false, groups: { g1: 1.005, g2: null } },
        "form-2": { score: null, autofailed: true, groups: {} },
      },
    };
    const { summary } = exportRows({ session: s, status: "Completed", generatedAt: at });
    expect(summary.sessionScore).toBe(12.35);
    expect(summary.forms.map((f) => [f.score, f.autofailed])).toEqual([
      [66.67, false],
      [null, true],
    ]);
    expect(summary.forms[0]?.groups.map((g) => g.score)).toEqual([1.01, null]);
  });

  it("fills the summary from the session and the display names", () => {
    const { summary } = exportRows({ ...input, agentName: "Bob", evaluatorName: null });
    expect(summary).toMatchObject({
      sessionId: session.id,
      sessionName: session.name,
      status: "Completed",
      completed: true,
      externalId: "EXT-2026-11-0042",
      interactionId: "int-0042",
      agent: "Bob",
      evaluator: "alice",
      dueDate: "2026-12-01T00:00:00.000Z",
      completedAt: "2026-11-24T16:30:00.000Z",
      generatedAt: "2026-11-25T10:00:00.000Z",
    });
    const unassigned = fixtureSession({ state: "Unassigned" });
    const open = exportRows({ session: unassigned, status: "Expired", generatedAt: at }).summary;
    expect(open).toMatchObject({
      evaluator: null,
      agent: "agent-bob",
      completed: false,
      completedAt: null,
    });
  });

  it("shows an answer id missing from the snapshot instead of hiding it", () => {
    const s = structuredClone(session);
    s.answers["form-1"]!["q1"] = { answerIds: ["gone"] };
    const { rows } = exportRows({ session: s, status: "Completed", generatedAt: at });
    expect(rows[0]).toMatchObject({ answerLabels: ["gone"], answerScore: null });
  });
});

describe("round2 and formatDate", () => {
  it("property: round2 is within half a hundredth and has at most 2 decimals", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), (x) => {
        const r = round2(x);
        expect(Math.abs(r - x)).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(Number(r.toFixed(2))).toBe(r);
      }),
    );
  });

  it("prints dates in UTC to the minute", () => {
    expect(formatDate("2026-12-01T00:00:00+02:00")).toBe("2026-11-30 22:00 UTC");
    expect(formatDate(null)).toBe("");
  });
});
