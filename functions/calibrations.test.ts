// docs/api.md "Calibrations" and the evaluators endpoint of "Analytics", over the registered
// handlers with in-memory stores; the Cosmos races and the published example over real HTTP are
// in test/calibrations.test.ts.
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  answerAndComplete,
  answersOf,
  calibrationForm,
  calibrationSession,
  completedCalibration,
  evaluator,
  observers,
  publishedExample,
} from "../test/support/calibration-fixtures.js";
import { releaseHold } from "../shared/app/holds.js";
import { DependencyUnavailableError } from "../shared/dependency-errors.js";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bestAnswers,
  createForm,
  createSession,
  ingest,
  otherTenantAdmin,
} from "../test/support/scenario.js";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});

const code = (res: { status: number; json: { code?: string } }) =>
  `${res.status} ${res.json?.code ?? ""}`.trim();

const results = (calibrationId: string, as = admin) =>
  app.call("calibrationsGet", { as, params: { calibrationId } });

const settings = (calibrationId: string, body: unknown, as = admin) =>
  app.call("calibrationsPut", { as, params: { calibrationId }, body });

/** A calibration's first two sessions (alice, bob), open. */
async function openCalibration(calibrationId = "cal") {
  const formId = (await createForm(app, calibrationForm(3))).id;
  const interactionId = (await ingest(app)).id;
  const join = (evaluatorId: string, overrides: Partial<{ dueDate: string }> = {}) =>
    calibrationSession(app, {
      calibrationId,
      formIds: [formId],
      interactionId,
      evaluatorId,
      ...overrides,
    });
  const first = await join("alice");
  const second = await join("bob");
  expect([first.status, second.status]).toEqual([201, 201]);
  const session = (res: typeof first, evaluatorId: string) => ({
    id: String(res.json.id),
    etag: res.headers.etag ?? "",
    evaluatorId,
  });
  return {
    formId,
    interactionId,
    join,
    alice: session(first, "alice"),
    bob: session(second, "bob"),
  };
}

describe("GET /api/calibrations/{id}: the published example", () => {
  it("reproduces Krippendorff's nominal alpha 0.743 over 11 units from four completed sessions", async () => {
    await completedCalibration(app, "kripp", publishedExample, { names: observers });
    const res = await results("kripp");
    expect(res.status).toBe(200);
    expect(res.json.agreement.krippendorffAlpha.toFixed(3)).toBe("0.743");
    expect(res.json.agreement.units).toBe(11);
    expect(res.json.agreement.ci95).toHaveLength(2);
    expect(res.json.completed).toBe(4);
    expect(res.json.participants.map((p: { evaluatorId: string }) => p.evaluatorId)).toEqual([
      ...observers,
    ]);
    expect(res.json.questions).toHaveLength(12);
    // The same data, the same interval.
    expect((await results("kripp")).json.agreement.ci95).toEqual(res.json.agreement.ci95);
  });
});

describe("creating Calibration sessions", () => {
  it("the first session creates the calibration with expert null and blind", async () => {
    const c = await openCalibration();
    const res = await results("cal");
    expect(res.json).toMatchObject({
      calibrationId: "cal",
      interactionId: c.interactionId,
      formIds: [c.formId],
      expertEvaluatorId: null,
      blind: true,
      completed: 0,
      score: null,
    });
    expect(res.json.participants).toEqual([
      { evaluatorId: "alice", sessionId: c.alice.id, status: "Pending", score: null },
      { evaluatorId: "bob", sessionId: c.bob.id, status: "Pending", score: null },
    ]);
  });

  it("CALIBRATION_MISMATCH: later sessions must name the same interaction and forms", async () => {
    const c = await openCalibration();
    const otherForm = (await createForm(app, calibrationForm(3))).id;
    const otherInteraction = (await ingest(app)).id;
    const base = { calibrationId: "cal", evaluatorId: "carol" };
    for (const request of [
      { ...base, formIds: [c.formId], interactionId: otherInteraction },
      { ...base, formIds: [otherForm], interactionId: c.interactionId },
      { ...base, formIds: [c.formId, otherForm], interactionId: c.interactionId },
    ]) {
      expect(code(await calibrationSession(app, request))).toBe("409 CALIBRATION_MISMATCH");
    }
    const criteria = await app.call("sessionsCreate", {
      as: admin,
      body: {
        name: "Pick",
        type: "Calibration",
        calibrationId: "cal",
        formIds: [c.formId],
        evaluatorId: "carol",
        dueDate: "2026-12-01T00:00:00Z",
        interaction: { mode: "criteria", criteria: {} },
      },
    });
    expect(code(criteria)).toBe("409 CALIBRATION_MISMATCH");
    // Nothing was written: the interaction the mismatches named is still free.
    expect((await createSession(app, {}, otherForm)).sessionId).toBeTruthy();
    expect((await results("cal")).json.participants).toHaveLength(2);
  });

  it("CALIBRATION_DUPLICATE: one session per evaluator, before the subject is compared", async () => {
    const c = await openCalibration();
    expect(code(await c.join("alice"))).toBe("409 CALIBRATION_DUPLICATE");
    const elsewhere = await calibrationSession(app, {
      calibrationId: "cal",
      formIds: [c.formId],
      interactionId: (await ingest(app)).id,
      evaluatorId: "alice",
    });
    expect(code(elsewhere)).toBe("409 CALIBRATION_DUPLICATE");
  });

  it("CALIBRATION_DUPLICATE also guards an Administrator's reassignment, which the calibration records", async () => {
    const c = await openCalibration();
    const assign = (session: { id: string; etag: string }, evaluatorId: string) =>
      app.call("sessionsAssign", {
        as: admin,
        params: { id: session.id },
        headers: { "if-match": session.etag },
        body: { evaluatorId },
      });
    // bob already has a session: alice's cannot become a second one of his.
    expect(code(await assign(c.alice, "bob"))).toBe("409 CALIBRATION_DUPLICATE");
    const kept = await app.call("sessionsGet", { as: admin, params: { id: c.alice.id } });
    expect(kept.json.evaluatorId).toBe("alice");
    // To carol it goes; carol then has it, and alice (who no longer has one) may join again.
    expect((await assign(c.alice, "carol")).status).toBe(200);
    expect(code(await c.join("carol"))).toBe("409 CALIBRATION_DUPLICATE");
    expect((await c.join("alice")).status).toBe(201);
    const participants = (await results("cal")).json.participants as { evaluatorId: string }[];
    expect(participants.map((p) => p.evaluatorId)).toEqual(["alice", "bob", "carol"]);
  });

  it("later sessions take the calibration's form snapshots, not the form's current version", async () => {
    const c = await openCalibration();
    const current = await app.call("formsGet", { as: admin, params: { id: c.formId } });
    const updated = await app.call("formsUpdate", {
      as: admin,
      params: { id: c.formId },
      headers: { "if-match": current.headers.etag ?? "" },
      body: calibrationForm(4),
    });
    expect(updated.json.version).toBe(2);
    const carol = await c.join("carol");
    expect(carol.status).toBe(201);
    expect(carol.json.forms[0].version).toBe(1);
    expect(carol.json.forms[0].groups[0].questions).toHaveLength(3);
  });

  it("evaluators join after the interaction is tagged Evaluated, until the first session is archived", async () => {
    const c = await openCalibration();
    const done = await answerAndComplete(app, c.alice, answersOf(c.formId, [1, 1, 1]));
    expect(done.status).toBe(200);
    await app.deliver();
    const interaction = await app.call("interactionsGet", {
      as: admin,
      params: { id: c.interactionId },
    });
    expect(interaction.json.tags).toContain("Evaluated");
    expect((await c.join("carol")).status).toBe(201);
    // Outside the calibration the interaction is evaluated.
    const outsider = await app.call("sessionsCreate", {
      as: admin,
      body: {
        name: "Outside",
        type: "Distributed",
        formIds: [c.formId],
        evaluatorId: "alice",
        dueDate: "2026-12-01T00:00:00Z",
        interaction: { mode: "manual", interactionId: c.interactionId },
      },
    });
    expect(code(outsider)).toBe("409 INTERACTION_ALREADY_EVALUATED");
    const archived = await app.call("sessionsArchive", { as: admin, body: { ids: [c.alice.id] } });
    expect(archived.json.archived).toEqual([c.alice.id]);
    expect(code(await c.join("dave"))).toBe("409 INTERACTION_ALREADY_EVALUATED");
  });

  it("a calibration whose first session was archived unevaluated is closed: 409 CONFLICT", async () => {
    const formId = (await createForm(app, calibrationForm(3))).id;
    const interactionId = (await ingest(app)).id;
    const request = { calibrationId: "late", formIds: [formId], interactionId };
    const first = await calibrationSession(app, {
      ...request,
      evaluatorId: "alice",
      dueDate: "2026-11-01T00:00:00Z",
    });
    expect(first.json.status).toBe("Expired");
    expect((await calibrationSession(app, { ...request, evaluatorId: "bob" })).status).toBe(201);
    await app.call("sessionsArchive", { as: admin, body: { ids: [first.json.id] } });
    expect(code(await calibrationSession(app, { ...request, evaluatorId: "carol" }))).toBe(
      "409 CONFLICT",
    );
  });

  it("a first session that loses the creation race to another interaction gives its hold back", async () => {
    const formId = (await createForm(app, calibrationForm(3))).id;
    const [mine, theirs] = [(await ingest(app)).id, (await ingest(app)).id];
    const request = { calibrationId: "race", formIds: [formId] };
    // The other first session creates the calibration after this one found none.
    const get = app.stores.calibrations.get.bind(app.stores.calibrations);
    let raced = false;
    app.stores.calibrations.get = async (tenantId, id) => {
      if (!raced) {
        raced = true;
        const other = await calibrationSession(app, {
          ...request,
          interactionId: theirs,
          evaluatorId: "bob",
        });
        expect(other.status).toBe(201);
        return undefined;
      }
      return get(tenantId, id);
    };
    const lost = await calibrationSession(app, {
      ...request,
      interactionId: mine,
      evaluatorId: "alice",
    });
    expect(code(lost)).toBe("409 CALIBRATION_MISMATCH");
    expect((await app.stores.interactions.get("t1", mine))?.hold).toBeNull();
    expect((await app.stores.interactions.get("t1", theirs))?.hold).toMatchObject({
      calibrationId: "race",
    });
  });

  it("Finding 12: one releaseHold: a calibration hold goes back only when asked, and a failure to give it back is thrown", async () => {
    const id = (await ingest(app)).id;
    const hold = async (h: { sessionId: string; calibrationId?: string }) => {
      const stored = (await app.stores.interactions.getStored("t1", id))!;
      await app.stores.interactions.setHold(
        "t1",
        id,
        { ...h, at: "2026-11-20T10:00:00.000Z" },
        stored.etag,
      );
    };
    const holder = async () => (await app.stores.interactions.get("t1", id))?.hold ?? null;
    const warnings: unknown[] = [];
    const log = {
      log: () => undefined,
      error: () => undefined,
      warn: (m: unknown) => warnings.push(m),
    };
    const unavailable = () =>
      vi
        .spyOn(app.stores.interactions, "setHold")
        .mockRejectedValueOnce(new DependencyUnavailableError("cosmos", 5));

    await hold({ sessionId: "s1", calibrationId: "cal" });
    await releaseHold(app.services, "t1", id, "s1", log);
    expect(await holder()).toMatchObject({ calibrationId: "cal" });
    unavailable();
    await expect(
      releaseHold(app.services, "t1", id, "s1", log, { calibration: true }),
    ).rejects.toBeInstanceOf(DependencyUnavailableError);
    await releaseHold(app.services, "t1", id, "s1", log, { calibration: true });
    expect(await holder()).toBeNull();

    // A session's own hold, the session gone: best effort, a failure is logged.
    await hold({ sessionId: "s2" });
    unavailable();
    await releaseHold(app.services, "t1", id, "s2", log);
    expect(warnings).toEqual([expect.stringMatching(/releasing session s2's hold failed/)]);
    expect(await holder()).toMatchObject({ sessionId: "s2" });
    await releaseHold(app.services, "t1", id, "s2", log);
    expect(await holder()).toBeNull();
  });

  it("a join whose session was never stored is completed by its retry, once", async () => {
    const c = await openCalibration();
    const create = app.stores.sessions.create.bind(app.stores.sessions);
    app.stores.sessions.create = () => Promise.reject(new Error("store down (test)"));
    expect((await c.join("carol")).status).toBe(500);
    app.stores.sessions.create = create;
    const retried = await c.join("carol");
    expect(retried.status).toBe(201);
    expect(code(await c.join("carol"))).toBe("409 CALIBRATION_DUPLICATE");
    const calibration = await app.stores.calibrations.get("t1", "cal");
    expect(calibration?.doc.members.map((m) => [m.evaluatorId, m.sessionId])).toEqual([
      ["alice", c.alice.id],
      ["bob", c.bob.id],
      ["carol", retried.json.id],
    ]);
  });
});

describe("PUT /api/calibrations/{id}", () => {
  it("sets the expert and blind; an omitted blind means true", async () => {
    await openCalibration();
    const res = await settings("cal", { expertEvaluatorId: "bob", blind: false });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ calibrationId: "cal", expertEvaluatorId: "bob", blind: false });
    const again = await settings("cal", { expertEvaluatorId: null });
    expect(again.json).toEqual({ calibrationId: "cal", expertEvaluatorId: null, blind: true });
    expect((await results("cal")).json).toMatchObject({ expertEvaluatorId: null, blind: true });
  });

  it("404 without a session of that calibrationId, 403 for non-Administrators, 400, then 422", async () => {
    await openCalibration();
    expect(code(await settings("nope", { expertEvaluatorId: null }))).toBe("404 NOT_FOUND");
    expect(code(await settings("cal", { expertEvaluatorId: null }, alice))).toBe("403 FORBIDDEN");
    expect(code(await settings("cal", { blind: true }))).toBe("400 VALIDATION_FAILED");
    expect(code(await settings("cal", { expertEvaluatorId: "carol", blind: "x" }))).toBe(
      "400 VALIDATION_FAILED",
    );
    expect(code(await settings("cal", { expertEvaluatorId: "carol" }))).toBe(
      "422 EXPERT_NOT_PARTICIPANT",
    );
    expect(code(await settings("cal", { expertEvaluatorId: null }, otherTenantAdmin))).toBe(
      "404 NOT_FOUND",
    );
  });
});

describe("GET /api/calibrations/{id}: who sees it", () => {
  it("blind: a member Evaluator sees it once their own session is Completed", async () => {
    const c = await openCalibration();
    expect(code(await results("cal", alice))).toBe("403 CALIBRATION_NOT_SUBMITTED");
    await answerAndComplete(app, c.alice, answersOf(c.formId, [1, 2, 3]));
    const seen = await results("cal", alice);
    expect(seen.status).toBe(200);
    // bob has not completed: his score does not show, his answers are not compared.
    expect(
      seen.json.participants.find((p: { evaluatorId: string }) => p.evaluatorId === "bob"),
    ).toMatchObject({ status: "Pending", score: null });
    expect(Object.keys(seen.json.questions[0].answers)).toEqual(["alice"]);
    expect(code(await results("cal", evaluator("bob")))).toBe("403 CALIBRATION_NOT_SUBMITTED");
  });

  it("not blind: every member Evaluator sees it at once", async () => {
    await openCalibration();
    await settings("cal", { expertEvaluatorId: null, blind: false });
    expect((await results("cal", alice)).status).toBe(200);
  });

  it("anyone else gets 404: other Evaluators, agents, other tenants, unknown ids", async () => {
    await openCalibration();
    expect(code(await results("cal", evaluator("carol")))).toBe("404 NOT_FOUND");
    expect(code(await results("cal", agent))).toBe("404 NOT_FOUND");
    expect(code(await results("cal", otherTenantAdmin))).toBe("404 NOT_FOUND");
    expect(code(await results("nope"))).toBe("404 NOT_FOUND");
    expect((await app.call("calibrationsGet", { params: { calibrationId: "cal" } })).status).toBe(
      401,
    );
  });

  it("compares with the expert once the expert's session is Completed", async () => {
    const c = await openCalibration();
    await settings("cal", { expertEvaluatorId: "alice" });
    await answerAndComplete(app, c.alice, answersOf(c.formId, [1, 2, null]));
    await answerAndComplete(app, c.bob, answersOf(c.formId, [1, 3, 3]));
    const res = await results("cal");
    expect(
      res.json.questions.map((q: { deviatesFromExpert: unknown }) => q.deviatesFromExpert),
    ).toEqual([[], ["bob"], []]);
    expect(res.json.evaluators).toEqual([
      expect.objectContaining({
        evaluatorId: "alice",
        deviationFromExpert: null,
        expertMatchRate: null,
      }),
      expect.objectContaining({ evaluatorId: "bob", expertMatchRate: 0.5 }),
    ]);
    const [a, b] = res.json.evaluators as { score: number }[];
    expect(res.json.evaluators[1].deviationFromExpert).toBeCloseTo(
      (b?.score ?? 0) - (a?.score ?? 0),
      12,
    );
  });
});

describe("GET /api/calibrations", () => {
  it("pages calibrations newest first, with participants and completed counted", async () => {
    await openCalibration("older");
    app.clock.advance(60_000);
    const c = await openCalibration("newer");
    await answerAndComplete(app, c.alice, answersOf(c.formId, [1, 1, 1]));
    const first = await app.call("calibrationsList", { as: admin, query: { limit: "1" } });
    expect(first.status).toBe(200);
    expect(first.json.items).toEqual([
      {
        calibrationId: "newer",
        interactionId: c.interactionId,
        formIds: [c.formId],
        expertEvaluatorId: null,
        blind: true,
        participants: 2,
        completed: 1,
        createdAt: "2026-11-26T10:01:00.000Z",
      },
    ]);
    const second = await app.call("calibrationsList", {
      as: admin,
      query: { limit: "1", continuationToken: first.json.continuationToken },
    });
    expect(second.json.items.map((i: { calibrationId: string }) => i.calibrationId)).toEqual([
      "older",
    ]);
    expect(second.json.continuationToken).toBeNull();
    expect(code(await app.call("calibrationsList", { as: alice }))).toBe("403 FORBIDDEN");
  });
});

describe("GET /api/analytics/evaluators", () => {
  const report = (query: Record<string, string> = {}, as = admin) =>
    app.call("analyticsEvaluators", { as, query });

  it("counts sessions completed and compares each evaluator with the experts of their calibrations", async () => {
    const s = await createSession(app);
    await app.call("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": s.etag },
      body: { answers: bestAnswers(s.formId) },
    });
    const saved = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": saved.headers.etag ?? "" },
      body: {},
    });
    await completedCalibration(app, "kripp", publishedExample, { names: observers });
    await settings("kripp", { expertEvaluatorId: "ann" });
    // Sessions completed come from the analytics read model, which the events feed.
    await app.deliver();
    const res = await report();
    expect(res.status).toBe(200);
    expect(res.json.asOf).toBe("2026-11-26T10:00:00.000Z");
    const rows = Object.fromEntries(
      (res.json.items as { evaluatorId: string }[]).map((r) => [r.evaluatorId, r]),
    );
    expect(Object.keys(rows)).toEqual(["alice", "ben", "cat", "dan"]);
    expect(rows.alice).toEqual({
      evaluatorId: "alice",
      sessionsCompleted: 1,
      calibrations: 0,
      meanAbsDeviationFromExpert: null,
      expertMatchRate: null,
      disputesReceived: 0,
      disputeItemsAccepted: 0,
      graderErrors: 0,
    });
    // ann, the expert, answered units 1–9: ben matches 8, cat 5, dan 8.
    expect(rows.ben).toMatchObject({
      sessionsCompleted: 0,
      calibrations: 1,
      expertMatchRate: 8 / 9,
    });
    expect(rows.cat).toMatchObject({ calibrations: 1, expertMatchRate: 5 / 9 });
    const figures = await results("kripp");
    const cat = figures.json.evaluators.find(
      (e: { evaluatorId: string }) => e.evaluatorId === "cat",
    );
    expect(rows.cat).toMatchObject({
      meanAbsDeviationFromExpert: Math.abs(cat.deviationFromExpert),
    });
  });

  it("counts by the first completion's date in [from, to)", async () => {
    await completedCalibration(app, "kripp", publishedExample, { names: observers });
    await settings("kripp", { expertEvaluatorId: "ann" });
    expect((await report({ from: "2026-11-26", to: "2026-11-27" })).json.items).toHaveLength(3);
    expect((await report({ from: "2026-11-27", to: "2026-11-28" })).json.items).toEqual([]);
    expect((await report({ from: "2026-11-25", to: "2026-11-26" })).json.items).toEqual([]);
  });

  it("Administrators and Evaluators only; the window must be UTC midnights", async () => {
    expect(code(await report({}, agent))).toBe("403 FORBIDDEN");
    expect((await report({}, alice)).status).toBe(200);
    expect(code(await report({ from: "2026-11-01T12:00:00Z" }))).toBe("400 VALIDATION_FAILED");
    expect(code(await report({ from: "2026-11-02", to: "2026-11-01" }))).toBe(
      "400 VALIDATION_FAILED",
    );
  });
});

describe("GET /api/me", () => {
  it("can.manageCalibrations for Administrators only", async () => {
    expect((await app.call("me", { as: admin })).json.can.manageCalibrations).toBe(true);
    expect((await app.call("me", { as: alice })).json.can.manageCalibrations).toBe(false);
  });
});
