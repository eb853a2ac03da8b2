// History and versions over the handlers (docs/api.md "History and versions"): one entry per
// user write, newest first, pending ones included; a version per completion and per change of a
// completed session's answers; reasons; exports of a version.
import { beforeEach, describe, expect, it } from "vitest";
import { eventTypes } from "../shared/domain/events.js";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bob,
  completeWithBestAnswers,
  createSession,
  type SessionSetup,
} from "../test/support/scenario.js";

let app: TestApp;
let s: SessionSetup;

beforeEach(async () => {
  app = await createTestApp();
  s = await createSession(app);
});

function save(etag: string, answers: Record<string, unknown>, reason?: string) {
  return app.call("sessionsAnswers", {
    as: alice,
    params: { id: s.sessionId },
    headers: { "if-match": etag },
    body: { answers: { [s.formId]: answers }, ...(reason ? { reason } : {}) },
  });
}

const history = async (as = admin, query: Record<string, string> = {}) =>
  app.call("sessionsHistory", { as, params: { id: s.sessionId }, query });

describe("history", () => {
  it("records one entry per write with its revision, who, what changed and the score's move", async () => {
    const done = await completeWithBestAnswers(app, s);
    const edited = await save(
      done.headers.etag!,
      { greet: { answerIds: ["no"] } },
      "policy clarified",
    );
    expect(edited.status).toBe(200);
    const res = await history();
    expect(res.status).toBe(200);
    const entries = res.json.items as { revision: number; action: string; by: string }[];
    expect(entries.map((e) => [e.revision, e.action, e.by])).toEqual([
      [4, "rescored", alice.userId],
      [3, "completed", alice.userId],
      [2, "answersSaved", alice.userId],
      [1, "created", admin.userId],
    ]);
    expect(res.json.items[0]).toMatchObject({
      reason: "policy clarified",
      changes: [
        {
          formId: s.formId,
          questionId: "greet",
          from: { answerIds: ["yes"] },
          to: { answerIds: ["no"] },
        },
      ],
      score: { from: 100, to: 80 },
    });
    expect(res.json.items[2].changes).toHaveLength(3);
    expect(res.json.items[3]).not.toHaveProperty("score");
  });

  it("pages newest first", async () => {
    await completeWithBestAnswers(app, s);
    const first = await history(admin, { limit: "2" });
    const second = await history(admin, {
      limit: "2",
      continuationToken: first.json.continuationToken,
    });
    const revisions = [...first.json.items, ...second.json.items].map(
      (e: { revision: number }) => e.revision,
    );
    expect(revisions).toEqual([3, 2, 1]);
    expect(second.json.continuationToken).toBeNull();
  });

  it("includes entries still pending in the session (a caller sees its own writes)", async () => {
    app.background.held = true;
    const saved = await app.call("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": s.etag },
      body: { answers: { [s.formId]: { greet: { answerIds: ["yes"] } } } },
    });
    expect(saved.status).toBe(200);
    const stored = await app.stores.sessions.get("t1", s.sessionId);
    expect(stored?.doc.pendingHistory.map((e) => e.revision)).toEqual([2]);
    const res = await history();
    expect(res.json.items.map((e: { revision: number }) => e.revision)).toEqual([2, 1]);
    await app.background.release();
  });

  it("is for Administrators and the session's evaluator: an agent who reads the session gets 403", async () => {
    await completeWithBestAnswers(app, s);
    await app.call("sessionsNotifyAgent", {
      as: alice,
      params: { id: s.sessionId },
      body: { dueDate: "2026-12-05T00:00:00Z", summary: "Done", showScore: true },
    });
    expect((await history(alice)).status).toBe(200);
    expect((await app.call("sessionsGet", { as: agent, params: { id: s.sessionId } })).status).toBe(
      200,
    );
    expect((await history(agent)).json.code).toBe("FORBIDDEN");
    expect((await history(bob)).status).toBe(404);
  });
});

describe("versions", () => {
  it("makes version 1 at completion and the next at each change of the answers, retracting the previous", async () => {
    const before = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    expect(before.json.version).toBeNull();
    const done = await completeWithBestAnswers(app, s);
    expect(done.json.session.version).toBe(1);
    app.clock.advance(60_000);
    // A save that changes nothing makes no version.
    const same = await save(done.headers.etag!, { greet: { answerIds: ["yes"] } });
    expect(same.json.version).toBe(1);
    const edited = await save(same.headers.etag!, { greet: { answerIds: ["no"] } }, "misheard");
    expect(edited.json.version).toBe(2);
    const list = await app.call("sessionsVersions", { as: admin, params: { id: s.sessionId } });
    expect(list.json.items).toEqual([
      {
        version: 2,
        createdAt: edited.json.lastEditedAt,
        createdBy: alice.userId,
        cause: "edited",
        reason: "misheard",
        score: 80,
      },
      {
        version: 1,
        createdAt: done.json.session.completedAt,
        createdBy: alice.userId,
        cause: "completed",
        score: 100,
        retractedAt: edited.json.lastEditedAt,
      },
    ]);
    const v1 = await app.call("sessionsVersion", {
      as: admin,
      params: { id: s.sessionId, n: "1" },
    });
    expect(v1.json).toMatchObject({ version: 1, score: 100, cause: "completed" });
    expect(v1.json.answers[s.formId].greet).toEqual({ answerIds: ["yes"] });
    expect(v1.json.scores.session).toBe(100);
    for (const n of ["3", "0", "x1"]) {
      const missing = await app.call("sessionsVersion", {
        as: admin,
        params: { id: s.sessionId, n },
      });
      expect([n, missing.status]).toEqual([n, 404]);
    }
    const rescored = app.publisher.published.find((e) => e.type === eventTypes.rescored);
    expect(rescored?.data).toMatchObject({
      version: 2,
      previousVersion: 1,
      cause: "edited",
      reason: "misheard",
    });
  });

  it("with EDIT_REASON_REQUIRED a change to a completed session without a reason is 422 REASON_REQUIRED", async () => {
    app = await createTestApp({ settings: { EDIT_REASON_REQUIRED: "true" } });
    s = await createSession(app);
    const done = await completeWithBestAnswers(app, s);
    const refused = await save(done.headers.etag!, { greet: { answerIds: ["no"] } });
    expect([refused.status, refused.json.code]).toEqual([422, "REASON_REQUIRED"]);
    // Before completion no reason is needed; a reason longer than 500 characters is a 400.
    const tooLong = await save(
      done.headers.etag!,
      { greet: { answerIds: ["no"] } },
      "x".repeat(501),
    );
    expect(tooLong.status).toBe(400);
    expect(
      (await save(done.headers.etag!, { greet: { answerIds: ["no"] } }, "coaching")).status,
    ).toBe(200);
  });

  it("exports a retracted version named after it, and names the version in every export", async () => {
    const done = await completeWithBestAnswers(app, s);
    await save(done.headers.etag!, { greet: { answerIds: ["no"] } });
    const exportOf = (body: unknown) =>
      app.call("sessionsExports", { as: alice, params: { id: s.sessionId }, body });
    const v1 = await exportOf({ format: "csv", version: 1 });
    expect(v1.status).toBe(201);
    expect(v1.json.fileName).toBe(`Week_48___Alice_${s.sessionId}_v1.csv`);
    const csv = new TextDecoder().decode([...app.blobs.exports.values()].at(-1)!.bytes);
    const [header, firstRow] = csv.replace(/^\uFEFF/, "").split("\r\n");
    expect(header?.split(",")).toContain("Version");
    expect(firstRow).toContain(",1,");
    expect(firstRow).toMatch(/Greeted the customer by name\?.*,Yes,100\.00,/);
    const current = await exportOf({ format: "csv" });
    expect(current.json.fileName).toBe(`Week_48___Alice_${s.sessionId}.csv`);
    expect((await exportOf({ format: "csv", version: 3 })).status).toBe(404);
  });
});
