import { describe, expect, it } from "vitest";
import {
  alice,
  complete,
  customerCareSnapshot,
  newSession,
  saveAnswers,
  snapshotOf,
  T0,
} from "../../test/support/domain-fixtures.js";
import {
  analyticsBucketSchema,
  applyChanges,
  bucketId,
  contributions,
  emptyBucket,
  isCounted,
  mergeCatalog,
  type AnalyticsBucket,
  type Contribution,
} from "./analytics.js";
import type { AnswersPatch } from "./answers.js";
import type { FormSnapshot } from "./model.js";

const LATER = new Date(T0.getTime() + 60_000);

function completedSession(answers: AnswersPatch[string], forms?: FormSnapshot[]) {
  const doc = newSession(forms ? { forms } : {});
  const saved = saveAnswers(doc, alice, { [doc.forms[0]?.formId ?? ""]: answers }, undefined, T0);
  return complete(saved, alice, undefined, T0);
}

describe("contributions", () => {
  it("gives each answered scored question its score, dated by the first completion", () => {
    const session = completedSession({
      greet: { answerIds: ["no"] },
      verify: { na: true },
      resolved: { answerIds: ["yes"] },
      notes: { text: "fine" },
    });
    expect(isCounted(session)).toBe(true);
    const [form, whole] = contributions(
      { ...session, completedAt: session.completedAt ?? "" },
      session,
    );
    expect(form?.key).toEqual({ agentId: "agent1", formId: "care", month: "2026-11" });
    // N/A (verify) and text (notes) give no question score.
    expect(form?.contribution).toEqual({
      day: "2026-11-10",
      score: session.scores.forms.care?.score,
      autofailed: false,
      questions: { greet: 0, resolved: 100 },
    });
    expect(whole).toEqual({
      key: { agentId: "agent1", formId: null, month: "2026-11" },
      contribution: {
        day: "2026-11-10",
        score: session.scores.session,
        autofailed: false,
        questions: {},
        // The sessions bucket also counts the session for its evaluator.
        evaluatorId: "alice",
      },
    });
  });

  it("marks the session autofailed when a form is, and sums a multiChoice answer capped at 100", () => {
    const multi = snapshotOf(
      "multi",
      [
        {
          id: "m",
          text: "Which?",
          type: "multiChoice",
          required: true,
          weight: 100,
          naAllowed: false,
          answers: [
            { id: "a", label: "A", score: 70 },
            { id: "b", label: "B", score: 60 },
            { id: "x", label: "X", score: 0, autofail: true },
          ],
        },
      ],
      3,
      "Multi",
    );
    const session = completedSession({ m: { answerIds: ["a", "b", "x"] } }, [multi]);
    const [form, whole] = contributions(
      { ...session, completedAt: session.completedAt ?? "" },
      session,
    );
    expect(form?.contribution).toMatchObject({ score: 0, autofailed: true, questions: { m: 100 } });
    expect(whole?.contribution).toMatchObject({ score: 0, autofailed: true });
  });

  it("does not count open or Calibration sessions", () => {
    expect(isCounted(newSession())).toBe(false);
    const done = completedSession({
      greet: { answerIds: ["yes"] },
      verify: { answerIds: ["full"] },
      resolved: { answerIds: ["yes"] },
    });
    expect(isCounted(done)).toBe(true);
    expect(isCounted({ ...done, type: "Calibration" })).toBe(false);
  });
});

const key = { agentId: "a1", formId: "f1", month: "2026-11" };
const c = (score: number, greet?: number): Contribution => ({
  day: "2026-11-10",
  score,
  autofailed: score === 0,
  questions: greet === undefined ? {} : { greet },
});
const empty = () => emptyBucket("t1", key, T0);

/** applyChanges when it must change something. */
function applied(bucket: AnalyticsBucket, changes: Parameters<typeof applyChanges>[1], now = T0) {
  const next = applyChanges(bucket, changes, now);
  if (!next) throw new Error("applyChanges changed nothing");
  return next;
}

describe("applyChanges", () => {
  it("adds a session once: the same version again changes nothing", () => {
    const once = applyChanges(
      empty(),
      [{ sessionId: "s1", version: 1, previous: undefined, next: c(80, 40) }],
      T0,
    );
    expect(once?.days["2026-11-10"]).toEqual({
      sessions: 1,
      scored: 1,
      sum: 80,
      autofailed: 0,
      questions: { greet: [1, 40, 1600] },
    });
    expect(once?.applied).toEqual({ s1: 1 });
    expect(once?.id).toBe(bucketId(key));
    if (!once) return;
    expect(
      applyChanges(
        once,
        [{ sessionId: "s1", version: 1, previous: undefined, next: c(80, 40) }],
        LATER,
      ),
    ).toBeUndefined();
  });

  it("replaces an older version's contribution and ignores an older one arriving late", () => {
    const v1 = applied(
      empty(),
      [{ sessionId: "s1", version: 1, previous: undefined, next: c(80, 40) }],
      T0,
    );
    const other = applied(
      v1,
      [{ sessionId: "s2", version: 1, previous: undefined, next: c(0, 100) }],
      T0,
    );
    const v3 = applyChanges(
      other,
      [{ sessionId: "s1", version: 3, previous: c(80, 40), next: c(60, 10) }],
      LATER,
    );
    expect(v3?.days["2026-11-10"]).toEqual({
      sessions: 2,
      scored: 2,
      sum: 60,
      autofailed: 1,
      questions: { greet: [2, 110, 10_100] },
    });
    expect(v3?.applied).toEqual({ s1: 3, s2: 1 });
    expect(v3?.updatedAt).toBe(LATER.toISOString());
    if (!v3) return;
    expect(
      applyChanges(
        v3,
        [{ sessionId: "s1", version: 2, previous: c(60, 10), next: c(90, 90) }],
        LATER,
      ),
    ).toBeUndefined();
  });

  it("counts each session once for its evaluator, whatever its versions", () => {
    const whole = (score: number, evaluatorId: string): Contribution => ({
      ...c(score),
      evaluatorId,
    });
    const two = applied(
      empty(),
      [
        { sessionId: "s1", version: 1, previous: undefined, next: whole(80, "ann") },
        { sessionId: "s2", version: 1, previous: undefined, next: whole(60, "ann") },
      ],
      T0,
    );
    const rescored = applied(
      two,
      [{ sessionId: "s1", version: 2, previous: whole(80, "ann"), next: whole(90, "ann") }],
      LATER,
    );
    expect(rescored.days["2026-11-10"]?.evaluators).toEqual({ ann: 2 });
    const gone = applied(
      rescored,
      [{ sessionId: "s2", version: 2, previous: whole(60, "ann"), next: undefined }],
      LATER,
    );
    expect(gone.days["2026-11-10"]?.evaluators).toEqual({ ann: 1 });
    expect(analyticsBucketSchema.parse(gone)).toEqual(gone);
  });

  it("drops a day and a question whose last score is taken out, and refuses a previous that does not match", () => {
    const v1 = applied(
      empty(),
      [{ sessionId: "s1", version: 1, previous: undefined, next: c(33.3, 33.3) }],
      T0,
    );
    const gone = applyChanges(
      v1,
      [{ sessionId: "s1", version: 2, previous: c(33.3, 33.3), next: undefined }],
      T0,
    );
    expect(gone?.days).toEqual({});
    expect(() =>
      applyChanges(v1, [{ sessionId: "s1", version: 2, previous: undefined, next: c(1) }], T0),
    ).toThrow(/does not match/);
    expect(() =>
      applyChanges(empty(), [{ sessionId: "s9", version: 2, previous: c(1), next: c(1) }], T0),
    ).toThrow(/does not match/);
  });

  it("never changes the bucket it was given", () => {
    const v1 = applied(
      empty(),
      [{ sessionId: "s1", version: 1, previous: undefined, next: c(80, 40) }],
      T0,
    );
    const copy = structuredClone(v1);
    applyChanges(v1, [{ sessionId: "s1", version: 2, previous: c(80, 40), next: c(10, 10) }], T0);
    expect(v1).toEqual(copy);
  });
});

describe("mergeCatalog", () => {
  const v = (version: number, text: string, name = `Care v${version}`): FormSnapshot => ({
    ...customerCareSnapshot,
    version,
    name,
    groups: customerCareSnapshot.groups.map((g) => ({
      ...g,
      questions: g.questions.map((q) => (q.id === "greet" ? { ...q, text } : q)),
    })),
  });

  it("keeps the newest version's name and texts whatever order versions arrive in", () => {
    const fromOld = mergeCatalog(
      mergeCatalog(undefined, "t1", v(1, "Old?"), T0),
      "t1",
      v(2, "New?"),
      T0,
    );
    const fromNew = mergeCatalog(undefined, "t1", v(2, "New?"), T0);
    expect(fromOld?.name).toBe("Care v2");
    expect(fromOld?.questions.greet).toEqual({ text: "New?", version: 2 });
    expect(fromOld?.questions).not.toHaveProperty("notes");
    if (!fromNew) return;
    expect(mergeCatalog(fromNew, "t1", v(1, "Old?"), T0)).toBeUndefined();
    expect(mergeCatalog(fromNew, "t1", v(2, "New?"), T0)).toBeUndefined();
  });
});

describe("analyticsBucketSchema", () => {
  it("reads back a bucket and refuses malformed day sums", () => {
    const bucket = applied(empty(), [
      { sessionId: "s1", version: 1, previous: undefined, next: c(80, 40) },
    ]);
    const stored: unknown = JSON.parse(JSON.stringify(bucket));
    expect(analyticsBucketSchema.parse(stored)).toEqual(bucket);
    const day = (questions: unknown, sessions: unknown = 1) => ({
      ...bucket,
      days: { "2026-11-10": { sessions, scored: 1, sum: 80, autofailed: 0, questions } },
    });
    for (const bad of [
      day({ greet: [1, "40", 1600] }),
      day({ greet: [1, 40] }),
      day([]),
      day({}, "1"),
      { ...bucket, days: { "2026-11-10": null } },
    ])
      expect(analyticsBucketSchema.safeParse(bad).success, JSON.stringify(bad.days)).toBe(false);
  });
});
