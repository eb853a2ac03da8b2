import { beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bestAnswers,
  bob,
  createSession,
  otherTenantAdmin,
  saveBestAnswers,
} from "../test/support/scenario.js";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});

describe("session handlers over in-memory adapters", () => {
  it("saves answers with If-Match, moves Pending to InProgress and bumps the ETag", async () => {
    const s = await createSession(app);
    const res = await app.call("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": s.etag },
      body: {
        answers: { [s.formId]: { greet: { answerIds: ["yes"] }, verify: { answerIds: ["none"] } } },
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe("InProgress");
    expect(res.json.scores.forms[s.formId]).toMatchObject({ score: 0, autofailed: true });
    expect(res.headers.etag).toBe('"2"');
  });

  it("gives the second of two writers with the same ETag 412 and keeps the first write", async () => {
    const s = await createSession(app);
    const save = (answerId: string) =>
      app.call("sessionsAnswers", {
        as: alice,
        params: { id: s.sessionId },
        headers: { "if-match": s.etag },
        body: { answers: { [s.formId]: { greet: { answerIds: [answerId] } } } },
      });
    const first = await save("yes");
    const second = await save("no");
    expect(first.status).toBe(200);
    expect(second.status).toBe(412);
    expect(second.json.code).toBe("PRECONDITION_FAILED");
    const read = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    expect(read.json.answers[s.formId].greet).toEqual({ answerIds: ["yes"] });
  });

  it("answers 428 without If-Match and 400 naming the path for an unknown answer, writing nothing", async () => {
    const s = await createSession(app);
    const body = { answers: { [s.formId]: { greet: { answerIds: ["maybe"] } } } };
    const missing = await app.call("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      body: bestAnswers(s.formId),
    });
    expect(missing.status).toBe(400);
    const noIfMatch = await app.call("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      body: { answers: bestAnswers(s.formId) },
    });
    expect(noIfMatch.status).toBe(428);
    const bad = await app.call("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": s.etag },
      body,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toContain("greet");
    const read = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    expect(read.json.status).toBe("Pending");
    expect(read.headers.etag).toBe(s.etag);
  });

  it("hides a session from another evaluator and another tenant (404), and refuses a visible non-worker (403)", async () => {
    const s = await createSession(app);
    expect((await app.call("sessionsGet", { as: bob, params: { id: s.sessionId } })).status).toBe(
      404,
    );
    expect(
      (await app.call("sessionsGet", { as: otherTenantAdmin, params: { id: s.sessionId } })).status,
    ).toBe(404);
    expect((await app.call("sessionsGet", { as: agent, params: { id: s.sessionId } })).status).toBe(
      404,
    );
    const byAdmin = await app.call("sessionsComplete", {
      as: admin,
      params: { id: s.sessionId },
      headers: { "if-match": s.etag },
      body: {},
    });
    expect(byAdmin.status).toBe(403);
  });

  it("completes, publishes completed.v1, tags the interaction and notifies the agent once per event", async () => {
    const s = await createSession(app);
    const saved = await saveBestAnswers(app, s);
    const done = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": saved.headers.etag! },
      body: {
        notifyAgent: { dueDate: "2026-12-05T00:00:00Z", summary: "Well done", showScore: true },
      },
    });
    expect(done.status).toBe(200);
    expect(done.json.session.status).toBe("Completed");
    expect(app.publisher.published.map((e) => e.type)).toEqual([
      "com.speechminer.evaluationsession.completed.v1",
    ]);
    expect((await app.stores.sessions.get("t1", s.sessionId))?.doc.hasPendingEvents).toBe(false);

    await app.deliver();
    // A redelivery of the same event has no second effect.
    app.publisher.published.push(structuredClone(app.publisher.published[0]!));
    await app.deliver();
    const interaction = await app.call("interactionsGet", {
      as: admin,
      params: { id: s.interactionId },
    });
    expect(interaction.json.tags).toEqual(["Evaluated"]);
    const items = await app.call("actionItemsList", { as: agent });
    expect(items.json.items).toHaveLength(1);
    expect(items.json.items[0]).toMatchObject({
      sessionId: s.sessionId,
      score: 100,
      status: "Open",
    });

    const asAgent = await app.call("sessionsGet", { as: agent, params: { id: s.sessionId } });
    expect(asAgent.status).toBe(200);
    expect(asAgent.json.scores.session).toBe(100);
  });

  it("keeps the event in the outbox when publishing fails, and the sweep sends it later", async () => {
    const s = await createSession(app);
    const saved = await saveBestAnswers(app, s);
    app.publisher.failures = 1;
    const done = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": saved.headers.etag! },
      body: {},
    });
    expect(done.status).toBe(200);
    expect(app.publisher.published).toHaveLength(0);
    expect((await app.stores.sessions.get("t1", s.sessionId))?.doc.hasPendingEvents).toBe(true);

    const { sweepOutbox } = await import("../shared/app/outbox.js");
    const result = await sweepOutbox(app.services, { warn: () => undefined });
    expect(result).toMatchObject({ sessions: 1, published: 1, failed: 0 });
    expect(app.publisher.published).toHaveLength(1);
    expect((await app.stores.sessions.get("t1", s.sessionId))?.doc.hasPendingEvents).toBe(false);
    expect((await app.stores.sessions.get("t1", s.sessionId))?.doc.revision).toBe(3);
  });
});
