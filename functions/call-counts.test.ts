// Cosmos requests per HTTP request, counted at the adapter (every SDK call a store makes reports
// itself through `onRequest`) while the handlers run against cosmosdb-server in this process.
// These are the cost figures of docs/benchmarks.md, asserted because they are deterministic.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CosmosRequestEvent } from "../shared/adapters/cosmos/index.js";
import { containerNames } from "../shared/adapters/cosmos/containers.js";
import type { TestApp } from "../test/support/harness.js";
import { countingApp, storedSession, type CountingApp } from "../test/support/cosmos-calls.js";
import {
  admin,
  alice,
  agent,
  bestAnswers,
  completeWithBestAnswers,
  createForm,
  createLargeForms,
  createSession,
  ingest,
} from "../test/support/scenario.js";
import { startCosmosTestDatabase, type CosmosTestDatabase } from "../test/support/stores-cosmos.js";
import {
  completedCalibration,
  observers,
  publishedExample,
} from "../test/support/calibration-fixtures.js";

let cosmos: CosmosTestDatabase;
let app: TestApp;
let counted: CountingApp["counted"];

beforeAll(async () => {
  cosmos = await startCosmosTestDatabase();
}, 60_000);
afterAll(async () => {
  await cosmos.close();
});
beforeEach(async () => {
  ({ app, counted } = await countingApp(cosmos.database));
});

const operations = (calls: CosmosRequestEvent[]) => calls.map((c) => c.operation);

async function saved(): Promise<{ sessionId: string; formId: string; etag: string }> {
  const s = await createSession(app);
  const res = await app.call("sessionsAnswers", {
    as: alice,
    params: { id: s.sessionId },
    headers: { "if-match": s.etag },
    body: { answers: bestAnswers(s.formId) },
  });
  expect(res.status).toBe(200);
  return { sessionId: s.sessionId, formId: s.formId, etag: res.headers.etag ?? "" };
}

describe("Cosmos calls per request (counted at the adapter)", () => {
  it("reads a session with one point read, for its evaluator and for an administrator", async () => {
    const s = await createSession(app);
    for (const as of [alice, admin]) {
      const { res, calls } = await counted("sessionsGet", { as, params: { id: s.sessionId } });
      expect(res.status).toBe(200);
      expect(operations(calls)).toEqual(["read"]);
    }
  });

  it("saves an open session with a point read and one conditional replace", async () => {
    const s = await createSession(app);
    const { res, calls } = await counted("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": s.etag },
      body: { answers: bestAnswers(s.formId) },
    });
    expect(res.status).toBe(200);
    expect(operations(calls)).toEqual(["read", "replace"]);
  });

  it("completes with a read and the write carrying its event, history entry and version", async () => {
    const s = await saved();
    const { res, calls, after } = await counted("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": s.etag },
      body: {},
    });
    expect(res.status).toBe(200);
    expect(operations(calls)).toEqual(["read", "replace"]);
    // After the response: the history entry and the version stored, the outbox cleared.
    expect(after).toEqual([
      { container: containerNames.history, operation: "create", crossPartition: false },
      { container: containerNames.versions, operation: "create", crossPartition: false },
      { container: containerNames.sessions, operation: "patch", crossPartition: false },
    ]);
    expect(app.publisher.published).toHaveLength(1);
  });

  it("saves a completed session (a rescore) in two calls, its outbox moved after", async () => {
    const s = await saved();
    const done = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": s.etag },
      body: {},
    });
    const { res, calls, after } = await counted("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": done.headers.etag ?? "" },
      body: { answers: { [s.formId]: { greet: { answerIds: ["no"] } } } },
    });
    expect(res.status).toBe(200);
    expect(operations(calls)).toEqual(["read", "replace"]);
    expect(operations(after)).toEqual(["create", "create", "patch"]);
    expect(app.publisher.published.map((e) => e.type.split(".").at(-2))).toEqual([
      "completed",
      "rescored",
    ]);
  });

  it("raises a dispute in at most 3 calls and resolves it in at most 4", async () => {
    const s = await createSession(app);
    const done = await completeWithBestAnswers(app, s);
    await app.call("sessionsNotifyAgent", {
      as: alice,
      params: { id: s.sessionId },
      body: { dueDate: "2026-12-05T00:00:00Z", summary: "Have a look", showScore: true },
    });
    const raised = await counted("sessionsDisputes", {
      as: agent,
      params: { id: s.sessionId },
      headers: { "if-match": done.headers.etag ?? "" },
      body: {
        comment: "I did greet",
        items: [{ formId: s.formId, questionId: "greet", proposed: { answerIds: ["no"] } }],
      },
    });
    expect(raised.res.status).toBe(201);
    // The session, the agent's items (is the score shown?), the write.
    expect(operations(raised.calls)).toEqual(["read", "query", "replace"]);
    const resolved = await counted("disputesResolve", {
      as: alice,
      params: { id: raised.res.json.id },
      headers: { "if-match": raised.res.headers.etag ?? "" },
      body: {
        decisions: [
          {
            formId: s.formId,
            questionId: "greet",
            outcome: "accepted",
            reasonCode: "GRADER_ERROR",
          },
        ],
      },
    });
    expect(resolved.res.status).toBe(200);
    expect(operations(resolved.calls)).toEqual(["read", "replace"]);
  });

  it("serves a grid page with one query inside the tenant's partition-key prefix", async () => {
    const own = await createSession(app);
    const bobs = await createSession(app, { evaluatorId: "bob" });
    for (const [as, shown] of [
      [admin, [own.sessionId, bobs.sessionId]],
      [alice, [own.sessionId]],
    ] as const) {
      const { res, calls } = await counted("sessionsList", { as, query: { limit: "100" } });
      expect(res.status).toBe(200);
      const ids = (res.json.items as { id: string }[]).map((item) => item.id);
      const mine = ids.filter((id) => id === own.sessionId || id === bobs.sessionId);
      expect(mine.sort()).toEqual([...shown].sort());
      expect(calls).toEqual([
        { container: containerNames.sessions, operation: "query", crossPartition: false },
      ]);
    }
  });

  it("F11: a criteria pick costs the same calls however many older interactions are held", async () => {
    const formId = (await createForm(app)).id;
    const pick = (agentId: string) =>
      counted("sessionsCreate", {
        as: admin,
        body: {
          name: "Pick",
          type: "Distributed",
          formIds: [formId],
          evaluatorId: "alice",
          dueDate: "2030-01-01T00:00:00Z",
          interaction: { mode: "criteria", criteria: { agentId } },
        },
      });
    await ingest(app, { agentId: "fresh-agent", startedAt: "2026-11-01T10:00:00Z" });
    const alone = await pick("fresh-agent");
    expect(alone.res.status).toBe(201);
    const held = 20;
    for (let i = 0; i <= held; i++) {
      const day = String(1 + i).padStart(2, "0");
      await ingest(app, { agentId: "busy-agent", startedAt: `2026-10-${day}T10:00:00Z` });
    }
    for (let i = 0; i < held; i++) expect((await pick("busy-agent")).res.status).toBe(201);
    const behindHeld = await pick("busy-agent");
    expect(behindHeld.res.status).toBe(201);
    // A read of the form, the one query for free candidates, the hold, the session.
    expect(operations(behindHeld.calls)).toEqual(["read", "query", "patch", "create"]);
    expect(operations(behindHeld.calls)).toEqual(operations(alone.calls));
  });

  it("reads a calibration's results with its point read and one query for its sessions", async () => {
    await completedCalibration(app, "counted", publishedExample, { names: observers });
    const { res, calls } = await counted("calibrationsGet", {
      as: admin,
      params: { calibrationId: "counted" },
    });
    expect(res.status).toBe(200);
    expect(res.json.agreement.krippendorffAlpha.toFixed(3)).toBe("0.743");
    expect(calls).toEqual([
      { container: containerNames.calibrations, operation: "read", crossPartition: false },
      { container: containerNames.sessions, operation: "query", crossPartition: false },
    ]);
  });

  it("joins a calibration with one conditional write of it before the session is created", async () => {
    const { formId, interactionId } = await completedCalibration(app, "joined", [[1, 2]]);
    const { res, calls } = await counted("sessionsCreate", {
      as: admin,
      body: {
        name: "Join",
        type: "Calibration",
        calibrationId: "joined",
        formIds: [formId],
        evaluatorId: "bob",
        dueDate: "2030-01-01T00:00:00Z",
        interaction: { mode: "manual", interactionId },
      },
    });
    expect(res.status).toBe(201);
    // The calibration, the interaction and its first session (the hold's), then the two writes.
    expect(calls.map((c) => `${c.container}.${c.operation}`)).toEqual([
      "calibrations.read",
      "interactions.read",
      "sessions.read",
      "calibrations.replace",
      "sessions.create",
    ]);
  });

  it("keeps a session of 5 forms × 40 answered questions well under 100 KB as stored", async () => {
    const { formIds, answers } = await createLargeForms(app, 5, 40);
    const s = await createSession(app, { formIds }, formIds[0]);
    const { res, calls } = await counted("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": s.etag },
      body: { answers },
    });
    expect(res.status).toBe(200);
    expect(operations(calls)).toEqual(["read", "replace"]);
    const resource = await storedSession(cosmos.database, "t1", s.sessionId);
    const bytes = Buffer.byteLength(JSON.stringify(resource));
    expect(Object.keys(resource?.answers ?? {})).toHaveLength(5);
    expect(bytes).toBeLessThan(60 * 1024);
  }, 30_000);
});
