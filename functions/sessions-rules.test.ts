// The session rules of docs/api.md that functions/sessions.test.ts does not cover, one handler at a
// time over in-memory adapters: claim and assign, NOT_ASSIGNED, Clear Form, the showScore
// preference, default scores, replace interaction, archive, and the order of checks.
import { beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestPrincipal } from "../test/support/harness.js";
import {
  admin,
  alice,
  archiver,
  bestAnswers,
  bob,
  createForm,
  createSession,
  ingest,
  otherTenantAdmin,
  type SessionSetup,
} from "../test/support/scenario.js";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});

const idsOf = (json: { items: { id: string }[] }) => json.items.map((i) => i.id);
const pathsOf = (json: { errors: { path: string }[] }) => json.errors.map((e) => e.path);

const withFlag = () => createTestApp({ settings: { FEATURE_DEFAULT_SCORES: "true" } });

async function etagOf(sessionId: string): Promise<string> {
  const res = await app.call("sessionsGet", { as: admin, params: { id: sessionId } });
  return res.headers.etag!;
}

/** Calls a session write endpoint with the session's current ETag. */
async function write(
  name: string,
  sessionId: string,
  as: TestPrincipal,
  body: unknown = {},
): Promise<{ status: number; json: any; headers: Record<string, string> }> {
  return app.call(name, {
    as,
    params: { id: sessionId },
    headers: { "if-match": await etagOf(sessionId) },
    body,
  });
}

const save = (s: Pick<SessionSetup, "sessionId">, as: TestPrincipal, body: unknown) =>
  write("sessionsAnswers", s.sessionId, as, body);

async function completeWithBest(s: SessionSetup, as: TestPrincipal = alice): Promise<void> {
  expect((await save(s, as, { answers: bestAnswers(s.formId) })).status).toBe(200);
  expect((await write("sessionsComplete", s.sessionId, as)).status).toBe(200);
}

const shared = (extra: Record<string, unknown> = {}) =>
  createSession(app, { type: "Shared", evaluatorId: undefined, ...extra });

describe("claim and assign", () => {
  it("an Evaluator claims an Unassigned session; claiming again is ALREADY_ASSIGNED; others lose sight of it", async () => {
    const s = await shared();
    const listed = await app.call("sessionsList", { as: bob });
    expect(idsOf(listed.json)).toEqual([s.sessionId]);

    const claimed = await write("sessionsAssign", s.sessionId, alice);
    expect(claimed.status).toBe(200);
    expect(claimed.json).toMatchObject({
      status: "Pending",
      evaluatorId: "alice",
      lastEditedBy: "alice",
    });
    const again = await write("sessionsAssign", s.sessionId, alice);
    expect(again.status).toBe(409);
    expect(again.json.code).toBe("ALREADY_ASSIGNED");
    // Once assigned it is alice's: bob no longer sees it, so he gets 404, not a 409 about it.
    expect((await write("sessionsAssign", s.sessionId, bob)).status).toBe(404);
    expect((await app.call("sessionsList", { as: bob })).json.items).toEqual([]);
  });

  it("an Administrator (re)assigns, keeping InProgress work; an Evaluator cannot assign someone else", async () => {
    const s = await createSession(app);
    const byAlice = await write("sessionsAssign", s.sessionId, alice, { evaluatorId: "bob" });
    expect(byAlice.status).toBe(400);
    expect(byAlice.json.errors[0].path).toBe("evaluatorId");

    expect(
      (await save(s, alice, { answers: { [s.formId]: { greet: { answerIds: ["yes"] } } } })).status,
    ).toBe(200);
    const moved = await write("sessionsAssign", s.sessionId, admin, { evaluatorId: "bob" });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ evaluatorId: "bob", status: "InProgress" });
    expect(moved.json.answers[s.formId].greet).toEqual({ answerIds: ["yes"] });
    expect((await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } })).status).toBe(
      404,
    );
    expect((await app.call("sessionsGet", { as: bob, params: { id: s.sessionId } })).status).toBe(
      200,
    );
  });

  it("an Administrator assigns an Unassigned session; a completed one cannot be reassigned", async () => {
    const s = await shared();
    const assigned = await write("sessionsAssign", s.sessionId, admin, { evaluatorId: "alice" });
    expect(assigned.json).toMatchObject({ status: "Pending", evaluatorId: "alice" });
    await completeWithBest(s);
    const reassign = await write("sessionsAssign", s.sessionId, admin, { evaluatorId: "bob" });
    expect(reassign.status).toBe(409);
    expect(reassign.json.code).toBe("ALREADY_COMPLETED");
  });
});

describe("NOT_ASSIGNED on an Unassigned session", () => {
  it("answers 409 NOT_ASSIGNED to an Evaluator on every work endpoint", async () => {
    app = await withFlag();
    const form = await createForm(app);
    await ingest(app, { agentId: "agent-na" });
    const s = await shared({
      interaction: { mode: "criteria", criteria: { agentId: "agent-na" } },
      formIds: [form.id],
    });
    const calls: [string, unknown][] = [
      ["sessionsAnswers", { answers: bestAnswers(form.id) }],
      ["sessionsComplete", {}],
      ["sessionsReplaceInteraction", {}],
      ["sessionsDefaultScores", { enabled: true }],
    ];
    for (const [name, body] of calls) {
      const res = await write(name, s.sessionId, bob, body);
      expect(res.status, name).toBe(409);
      expect(res.json.code, name).toBe("NOT_ASSIGNED");
    }
    const read = await app.call("sessionsGet", { as: admin, params: { id: s.sessionId } });
    expect(read.json).toMatchObject({ status: "Unassigned", answers: {}, evaluatorId: null });
    expect(read.headers.etag).toBe('"1"');
  });
});

describe("saving answers", () => {
  it("clears one answer with null and a whole form with a null form (Clear Form)", async () => {
    const s = await createSession(app);
    const full = await save(s, alice, {
      answers: {
        [s.formId]: { ...bestAnswers(s.formId)[s.formId], notes: { text: "Polite" } },
      },
    });
    expect(full.json.scores.session).toBe(100);
    expect(full.json.missingRequired).toEqual([]);

    const one = await save(s, alice, { answers: { [s.formId]: { resolved: null } } });
    expect(one.status).toBe(200);
    expect(Object.keys(one.json.answers[s.formId]).sort()).toEqual(["greet", "notes", "verify"]);
    expect(one.json.missingRequired).toEqual([{ formId: s.formId, questionId: "resolved" }]);
    expect(one.json.scores.forms[s.formId].groups.close).toBeNull();

    const cleared = await save(s, alice, { answers: { [s.formId]: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.json.answers[s.formId] ?? {}).toEqual({});
    expect(cleared.json.scores.session).toBeNull();
    expect(cleared.json.missingRequired).toHaveLength(3);
    expect(cleared.json.status).toBe("InProgress");
  });

  it("refuses N/A where not allowed, several answers on a yes/no question and an empty list", async () => {
    const s = await createSession(app);
    const cases = [
      { greet: { na: true } },
      { greet: { answerIds: ["yes", "no"] } },
      { greet: { answerIds: [] } },
      { unknown: { answerIds: ["yes"] } },
    ];
    for (const answers of cases) {
      const res = await save(s, alice, { answers: { [s.formId]: answers } });
      expect(res.status, JSON.stringify(answers)).toBe(400);
      expect(res.json.errors.length).toBeGreaterThan(0);
    }
    const unknownForm = await save(s, alice, { answers: { "no-such-form": {} } });
    expect(unknownForm.status).toBe(400);
    expect(await etagOf(s.sessionId)).toBe(s.etag);
  });

  it("stores the evaluator's showScore preference and keeps it when a save omits it", async () => {
    const s = await createSession(app);
    const on = await save(s, alice, { answers: {}, showScore: true });
    expect(on.json.showScore).toBe(true);
    const kept = await save(s, alice, {
      answers: { [s.formId]: { greet: { answerIds: ["yes"] } } },
    });
    expect(kept.json.showScore).toBe(true);
    expect(
      (await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } })).json.showScore,
    ).toBe(true);
    const off = await save(s, alice, { answers: {}, showScore: false });
    expect(off.json.showScore).toBe(false);
  });

  it("lets an Administrator save for the assignee and records who edited", async () => {
    const s = await createSession(app);
    app.clock.advance(5 * 60_000);
    const res = await save(s, admin, { answers: { [s.formId]: { greet: { answerIds: ["no"] } } } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      lastEditedBy: "admin-1",
      lastEditedAt: "2026-11-26T10:05:00.000Z",
    });
  });
});

describe("default scores (flag on)", () => {
  const audit = {
    name: "Audit",
    groups: [
      {
        id: "g",
        name: "Handling",
        weight: 100,
        questions: [
          {
            id: "steps",
            text: "Steps",
            type: "multiChoice",
            required: true,
            weight: 40,
            naAllowed: false,
            answers: [
              { id: "restart", label: "Restart", score: 60 },
              { id: "logs", label: "Logs", score: 50 },
              { id: "nothing", label: "Nothing", score: 0 },
            ],
          },
          {
            id: "policy",
            text: "Policy",
            type: "singleChoice",
            required: true,
            weight: 30,
            naAllowed: true,
            answers: [
              { id: "fully", label: "Fully", score: 100 },
              { id: "breach", label: "Breach", score: 0, autofail: true },
            ],
          },
          {
            id: "tone",
            text: "Tone",
            type: "singleChoice",
            required: false,
            weight: 30,
            naAllowed: false,
            answers: [
              { id: "neutral", label: "Neutral", score: 50 },
              { id: "warm", label: "Warm", score: 100 },
            ],
          },
          {
            id: "comment",
            text: "Comment",
            type: "text",
            required: false,
            weight: 0,
            naAllowed: false,
            answers: [],
          },
        ],
      },
    ],
  };

  beforeEach(async () => {
    app = await withFlag();
  });

  it("fills the best answers except questions with an autofail answer, after clearing everything", async () => {
    const form = await createForm(app, audit);
    const s = await createSession(app, {}, form.id);
    await save(s, alice, { answers: { [form.id]: { comment: { text: "will be cleared" } } } });
    const on = await write("sessionsDefaultScores", s.sessionId, alice, { enabled: true });
    expect(on.status).toBe(200);
    expect(on.json.defaultScores).toBe(true);
    expect(on.json.status).toBe("InProgress");
    const answers = on.json.answers[form.id];
    expect(Object.keys(answers).sort()).toEqual(["steps", "tone"]);
    expect([...answers.steps.answerIds].sort()).toEqual(["logs", "restart"]);
    expect(answers.tone).toEqual({ answerIds: ["warm"] });
    expect(on.json.scores.session).toBe(100);
    expect(on.json.missingRequired).toEqual([{ formId: form.id, questionId: "policy" }]);
  });

  it("turning it off clears every answer, including ones the evaluator gave", async () => {
    const s = await createSession(app);
    await write("sessionsDefaultScores", s.sessionId, alice, { enabled: true });
    await save(s, alice, { answers: { [s.formId]: { verify: { answerIds: ["full"] } } } });
    const off = await write("sessionsDefaultScores", s.sessionId, alice, { enabled: false });
    expect(off.status).toBe(200);
    expect(off.json.defaultScores).toBe(false);
    expect(off.json.answers[s.formId] ?? {}).toEqual({});
    expect(off.json.scores.session).toBeNull();
  });

  it("refuses a completed session (SESSION_COMPLETED) and anyone but the assignee (403)", async () => {
    const s = await createSession(app);
    expect(
      (await write("sessionsDefaultScores", s.sessionId, admin, { enabled: true })).status,
    ).toBe(403);
    await completeWithBest(s);
    const res = await write("sessionsDefaultScores", s.sessionId, alice, { enabled: true });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe("SESSION_COMPLETED");
  });

  it("is 403 FEATURE_DISABLED when the flag is off", async () => {
    app = await createTestApp();
    const s = await createSession(app);
    const res = await write("sessionsDefaultScores", s.sessionId, alice, { enabled: true });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe("FEATURE_DISABLED");
  });
});

describe("replace interaction", () => {
  const agentId = "agent-r";
  async function criteriaSession(as: Record<string, unknown> = {}): Promise<SessionSetup> {
    const form = await createForm(app);
    const res = await app.call("sessionsCreate", {
      as: admin,
      body: {
        name: "By criteria",
        type: "Distributed",
        formIds: [form.id],
        evaluatorId: "alice",
        dueDate: "2026-12-01T00:00:00Z",
        interaction: { mode: "criteria", criteria: { agentId } },
        ...as,
      },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return {
      formId: form.id,
      interactionId: res.json.interaction.id,
      sessionId: res.json.id,
      etag: res.headers.etag!,
    };
  }
  const manualOn = (interactionId: string) =>
    createSession(app, { interaction: { mode: "manual", interactionId } });

  it("picks another eligible interaction, resets the answers, refuses ineligible choices and finally runs out", async () => {
    const i1 = await ingest(app, { agentId, startedAt: "2026-11-01T08:00:00Z" });
    const i2 = await ingest(app, { agentId, startedAt: "2026-11-02T08:00:00Z" });
    const i3 = await ingest(app, { agentId, startedAt: "2026-11-03T08:00:00Z" });
    const elsewhere = await ingest(app, { agentId: "agent-x" });
    const s = await criteriaSession();
    expect(s.interactionId).toBe(i1.id);
    await manualOn(i2.id);
    await save(s, alice, { answers: bestAnswers(s.formId) });

    for (const interactionId of [i1.id, i2.id, elsewhere.id, "no-such-interaction"]) {
      const res = await write("sessionsReplaceInteraction", s.sessionId, alice, { interactionId });
      expect(res.status, interactionId).toBe(422);
      expect(res.json.code).toBe("INTERACTION_NOT_ELIGIBLE");
    }

    const replaced = await write("sessionsReplaceInteraction", s.sessionId, alice);
    expect(replaced.status).toBe(200);
    expect(replaced.json.interaction.id).toBe(i3.id);
    expect(replaced.json.answers).toEqual({});
    expect(replaced.json.defaultScores).toBe(false);

    // i1 is free again, so an Administrator can move the session back to it.
    const back = await write("sessionsReplaceInteraction", s.sessionId, admin, {
      interactionId: i1.id,
    });
    expect(back.status).toBe(200);
    expect(back.json.interaction.id).toBe(i1.id);

    await manualOn(i3.id);
    const none = await write("sessionsReplaceInteraction", s.sessionId, alice);
    expect(none.status).toBe(409);
    expect(none.json.code).toBe("NO_MATCHING_INTERACTION");
  });

  it("turns default scores off", async () => {
    app = await withFlag();
    await ingest(app, { agentId });
    await ingest(app, { agentId });
    const s = await criteriaSession();
    const on = await write("sessionsDefaultScores", s.sessionId, alice, { enabled: true });
    expect(on.json.defaultScores).toBe(true);
    const replaced = await write("sessionsReplaceInteraction", s.sessionId, alice);
    expect(replaced.json).toMatchObject({ defaultScores: false, answers: {} });
  });

  it("is REPLACE_NOT_ALLOWED for manual, Calibration, AdHoc and completed sessions", async () => {
    for (let i = 0; i < 4; i++) await ingest(app, { agentId });
    const manual = await createSession(app);
    const calibration = await criteriaSession({ type: "Calibration", calibrationId: "cal-1" });
    const adHoc = await criteriaSession({ type: "AdHoc" });
    const completed = await criteriaSession();
    await completeWithBest(completed);
    for (const s of [manual, calibration, adHoc, completed]) {
      const res = await write("sessionsReplaceInteraction", s.sessionId, alice);
      expect(res.status).toBe(409);
      expect(res.json.code).toBe("REPLACE_NOT_ALLOWED");
    }
  });
});

describe("archive", () => {
  it("archives Completed and Expired sessions, rejecting the rest with a code each", async () => {
    const completed = await createSession(app);
    await completeWithBest(completed);
    const expiring = await createSession(app, { dueDate: "2026-11-27T00:00:00Z" });
    const pending = await createSession(app);
    const foreign = await createSession(app);
    app.clock.set("2026-11-28T00:00:00Z");

    // The other tenant's administrator cannot tell foreign sessions from missing ones.
    const other = await app.call("sessionsArchive", {
      as: otherTenantAdmin,
      body: { ids: [foreign.sessionId] },
    });
    expect(other.json).toEqual({
      archived: [],
      rejected: [{ id: foreign.sessionId, code: "NOT_FOUND" }],
    });

    const res = await app.call("sessionsArchive", {
      as: archiver,
      body: { ids: [completed.sessionId, expiring.sessionId, pending.sessionId, "missing"] },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      archived: [completed.sessionId, expiring.sessionId],
      rejected: [
        { id: pending.sessionId, code: "NOT_ARCHIVABLE" },
        { id: "missing", code: "NOT_FOUND" },
      ],
    });
    const again = await app.call("sessionsArchive", {
      as: admin,
      body: { ids: [completed.sessionId] },
    });
    expect(again.json.rejected).toEqual([{ id: completed.sessionId, code: "ALREADY_ARCHIVED" }]);

    const read = await app.call("sessionsGet", { as: admin, params: { id: expiring.sessionId } });
    expect(read.json).toMatchObject({ archived: true, archivedBy: "keeper", status: "Expired" });
    expect(app.publisher.published.map((e) => e.type)).toEqual([
      "com.speechminer.evaluationsession.completed.v1",
      "com.speechminer.evaluationsession.archived.v1",
      "com.speechminer.evaluationsession.archived.v1",
    ]);
  });

  it("makes the session read-only and hides it from the grid unless asked", async () => {
    const s = await createSession(app, { dueDate: "2026-11-27T00:00:00Z" });
    app.clock.set("2026-11-28T00:00:00Z");
    await app.call("sessionsArchive", { as: admin, body: { ids: [s.sessionId] } });
    const writes: [string, unknown][] = [
      ["sessionsAnswers", { answers: bestAnswers(s.formId) }],
      ["sessionsAssign", { evaluatorId: "bob" }],
      ["sessionsNotifyAgent", { dueDate: "2026-12-05T00:00:00Z", summary: "x", showScore: false }],
    ];
    for (const [name, body] of writes) {
      const res = await write(name, s.sessionId, admin, body);
      expect(res.status, name).toBe(409);
      expect(res.json.code, name).toBe("SESSION_ARCHIVED");
    }
    const grid = await app.call("sessionsList", { as: admin });
    expect(grid.json.items).toEqual([]);
    const archived = await app.call("sessionsList", { as: admin, query: { archived: "true" } });
    expect(idsOf(archived.json)).toEqual([s.sessionId]);
  });

  it("needs the Administrator role or QM.Archive, and a valid list of 1-100 distinct ids", async () => {
    const s = await createSession(app);
    const byEvaluator = await app.call("sessionsArchive", {
      as: alice,
      body: { ids: [s.sessionId] },
    });
    expect(byEvaluator.status).toBe(403);
    const tooMany = Array.from({ length: 101 }, (_, i) => `s${i}`);
    for (const ids of [[], tooMany, [s.sessionId, s.sessionId], ["bad id!"]]) {
      const res = await app.call("sessionsArchive", { as: admin, body: { ids } });
      expect(res.status, `${ids.length} ids`).toBe(400);
    }
  });
});

describe("order of checks on POST /sessions/{id}/complete", () => {
  it("answers 404, then 403, then 400, then 428/412, then 409, then 422", async () => {
    const s = await createSession(app);
    const badBody = { notifyAgent: { dueDate: "soon", summary: "", showScore: "yes" } };
    const goodBody = {};
    const complete = (as: TestPrincipal, body: unknown, ifMatch?: string) =>
      app.call("sessionsComplete", {
        as,
        params: { id: s.sessionId },
        body,
        ...(ifMatch ? { headers: { "if-match": ifMatch } } : {}),
      });

    // Everything is wrong at once; each step fixes one thing and exposes the next check.
    app.clock.set("2026-12-02T00:00:00Z");
    expect((await complete(bob, badBody)).status).toBe(404);
    expect((await complete(otherTenantAdmin, badBody)).status).toBe(404);
    expect((await complete(admin, badBody)).status).toBe(403);
    const invalid = await complete(alice, badBody);
    expect(invalid.status).toBe(400);
    expect(pathsOf(invalid.json).sort()).toEqual([
      "notifyAgent.dueDate",
      "notifyAgent.showScore",
      "notifyAgent.summary",
    ]);
    expect((await complete(alice, goodBody)).status).toBe(428);
    expect((await complete(alice, goodBody, '"9"')).status).toBe(412);
    const late = await complete(alice, goodBody, s.etag);
    expect(late.status).toBe(409);
    expect(late.json.code).toBe("DUE_DATE_PASSED");
    app.clock.set("2026-11-27T00:00:00Z");
    const incomplete = await complete(alice, goodBody, s.etag);
    expect(incomplete.status).toBe(422);
    expect(incomplete.json.code).toBe("REQUIRED_QUESTIONS_UNANSWERED");
    expect(pathsOf(incomplete.json)).toEqual([
      `answers.${s.formId}.greet`,
      `answers.${s.formId}.verify`,
      `answers.${s.formId}.resolved`,
    ]);
    // Nothing was written by any refusal.
    expect(await etagOf(s.sessionId)).toBe(s.etag);
  });
});
