// The action-items API (docs/api.md "Action items" and notify-agent) over in-memory adapters: who
// may see and act on an item, the reply thread and its statuses, If-Match, idempotent notify.
import { beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type CallResult, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bob,
  createSession,
  otherAgent,
  otherTenantAdmin,
  type SessionSetup,
  completeWithBestAnswers,
} from "../test/support/scenario.js";
import type { TestPrincipal } from "../test/support/harness.js";

interface ActionItemJson {
  id: string;
  type: string;
  sessionId: string;
  agentId: string;
  evaluatorId: string;
  summary: string;
  dueDate: string;
  showScore: boolean;
  score?: number | null;
  status: "Open" | "Responded" | "Closed";
  responses: { by: string; at: string; message: string }[];
  createdAt: string;
}

const notice = (showScore: boolean, summary = "Please review the greeting") => ({
  dueDate: "2026-12-05T00:00:00Z",
  summary,
  showScore,
});

let app: TestApp;
let s: SessionSetup;
beforeEach(async () => {
  app = await createTestApp();
  s = await createSession(app);
});

function notify(
  body: unknown,
  options: { as?: TestPrincipal; key?: string; sessionId?: string } = {},
): Promise<CallResult<ActionItemJson>> {
  return app.call<ActionItemJson>("sessionsNotifyAgent", {
    as: options.as ?? alice,
    params: { id: options.sessionId ?? s.sessionId },
    body,
    ...(options.key ? { headers: { "idempotency-key": options.key } } : {}),
  });
}

async function created(showScore = false): Promise<{ item: ActionItemJson; etag: string }> {
  const res = await notify(notice(showScore));
  expect(res.status).toBe(201);
  return { item: res.json, etag: res.headers.etag! };
}

function reply(id: string, as: TestPrincipal, message: string, etag?: string) {
  return app.call<ActionItemJson>("actionItemsResponses", {
    as,
    params: { id },
    body: { message },
    ...(etag ? { headers: { "if-match": etag } } : {}),
  });
}

function closeItem(id: string, as: TestPrincipal, etag?: string) {
  return app.call<ActionItemJson>("actionItemsClose", {
    as,
    params: { id },
    ...(etag ? { headers: { "if-match": etag } } : {}),
  });
}

const list = (as: TestPrincipal, query: Record<string, string> = {}) =>
  app.call<{ items: ActionItemJson[]; continuationToken: string | null }>("actionItemsList", {
    as,
    query,
  });

async function completeSession(): Promise<void> {
  const done = await completeWithBestAnswers(app, s);
  expect(done.status).toBe(200);
}

describe("POST /sessions/{id}/notify-agent", () => {
  it("creates an Open EvaluatorMessage for the session's agent, sent by the caller, at any status", async () => {
    const res = await notify(notice(false));
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.json).toMatchObject({
      type: "EvaluatorMessage",
      sessionId: s.sessionId,
      agentId: agent.userId,
      evaluatorId: alice.userId,
      summary: "Please review the greeting",
      status: "Open",
      responses: [],
      showScore: false,
    });
    const byAdmin = await notify(notice(false), { as: admin });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.json.evaluatorId).toBe(admin.userId);
  });

  it("without Idempotency-Key every request is a new item; the same key returns the same item (200), another key a new one", async () => {
    const a = await notify(notice(false));
    const b = await notify(notice(false));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json.id).not.toBe(b.json.id);

    const first = await notify(notice(false), { key: "retry-1" });
    const retry = await notify(notice(false), { key: "retry-1" });
    const other = await notify(notice(false), { key: "retry-2" });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect(other.status).toBe(201);
    expect(other.json.id).not.toBe(first.json.id);
    expect((await list(agent)).json.items).toHaveLength(4);
  });

  it("answers a key's retries for 24 hours after its item was created, across midnight, then starts a new item", async () => {
    app.clock.set("2026-11-26T23:30:00Z");
    const first = await notify(notice(false), { key: "late" });
    app.clock.set("2026-11-27T00:30:00Z"); // a retry after midnight: still the same item
    const afterMidnight = await notify(notice(false), { key: "late" });
    expect([first.status, afterMidnight.status]).toEqual([201, 200]);
    expect(afterMidnight.json.id).toBe(first.json.id);
    app.clock.set("2026-11-27T23:31:00Z"); // 24 h and a minute later: the key has expired
    const fresh = await notify(notice(false), { key: "late" });
    const freshRetry = await notify(notice(false), { key: "late" });
    expect(fresh.status).toBe(201);
    expect(fresh.json.id).not.toBe(first.json.id);
    expect(freshRetry.status).toBe(200);
    expect(freshRetry.json.id).toBe(fresh.json.id);
    expect((await list(agent)).json.items).toHaveLength(2);
  });

  it("keeps one key per caller: another evaluator's identical key is a different item", async () => {
    const byAlice = await notify(notice(false), { key: "k" });
    const byAdmin = await notify(notice(false), { key: "k", as: admin });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.json.id).not.toBe(byAlice.json.id);
  });

  it("refuses who may not notify: 404 when the session is hidden, 403 for an agent, 400 for a bad body", async () => {
    expect((await notify(notice(false), { as: bob })).status).toBe(404);
    expect((await notify(notice(false), { as: otherTenantAdmin })).status).toBe(404);
    expect((await notify(notice(false), { as: agent })).status).toBe(403);
    const bad = await notify({ summary: "", showScore: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await list(admin)).json.items).toHaveLength(0);
  });

  it("answers 409 SESSION_ARCHIVED on an archived session and creates nothing", async () => {
    await completeSession();
    const archived = await app.call("sessionsArchive", {
      as: admin,
      body: { ids: [s.sessionId] },
    });
    expect(archived.json.archived).toEqual([s.sessionId]);
    const res = await notify(notice(true));
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ code: "SESSION_ARCHIVED" });
    expect((await list(admin)).json.items).toHaveLength(0);
  });
});

describe("GET /action-items and /action-items/{id}", () => {
  it("lists own items for the agent, sent items for the evaluator, all for the admin", async () => {
    const other = await createSession(app, { evaluatorId: bob.userId }, s.formId);
    const fromAlice = await created();
    const fromBob = await notify(notice(false, "From Bob"), {
      as: bob,
      sessionId: other.sessionId,
    });
    expect(fromBob.status).toBe(201);

    const ids = (res: { json: { items: ActionItemJson[] } }) =>
      res.json.items.map((i) => i.id).sort();
    expect(ids(await list(agent))).toEqual([fromAlice.item.id, fromBob.json.id].sort());
    expect(ids(await list(alice))).toEqual([fromAlice.item.id]);
    expect(ids(await list(bob))).toEqual([fromBob.json.id]);
    expect(ids(await list(admin))).toEqual([fromAlice.item.id, fromBob.json.id].sort());
    expect(ids(await list(otherAgent))).toEqual([]);
    expect(ids(await list(otherTenantAdmin))).toEqual([]);
  });

  it("filters by status and orders newest first", async () => {
    const older = await created();
    app.clock.advance(60_000);
    const newer = await created();
    expect((await list(agent)).json.items.map((i) => i.id)).toEqual([newer.item.id, older.item.id]);
    await reply(newer.item.id, agent, "Noted", newer.etag);
    const responded = await list(agent, { status: "Responded" });
    expect(responded.json.items.map((i) => i.id)).toEqual([newer.item.id]);
    expect((await list(agent, { status: "Nope" })).status).toBe(400);
  });

  it("shows an item to its agent, its evaluator and admins, and 404 to anyone else", async () => {
    const { item } = await created();
    for (const who of [agent, alice, admin]) {
      const res = await app.call("actionItemsGet", { as: who, params: { id: item.id } });
      expect(res.status, who.userId).toBe(200);
      expect(res.headers.etag).toBe('"1"');
    }
    for (const who of [otherAgent, bob, otherTenantAdmin]) {
      const res = await app.call("actionItemsGet", { as: who, params: { id: item.id } });
      expect(res.status, who.userId).toBe(404);
      expect(res.json.code).toBe("NOT_FOUND");
    }
    expect(
      (await app.call("actionItemsGet", { as: admin, params: { id: "no-such-item" } })).status,
    ).toBe(404);
  });

  it("carries `score` (the session's current score) only when showScore is true", async () => {
    await completeSession();
    const shown = await created(true);
    const hidden = await created(false);
    expect(shown.item.score).toBe(100);
    expect("score" in hidden.item).toBe(false);
    const items = (await list(agent)).json.items;
    expect(items.find((i) => i.id === shown.item.id)?.score).toBe(100);
    expect(items.find((i) => i.id === hidden.item.id)).not.toHaveProperty("score");
    const got = await app.call("actionItemsGet", { as: agent, params: { id: hidden.item.id } });
    expect(got.json).not.toHaveProperty("score");
  });
});

describe("POST /action-items/{id}/responses and /close", () => {
  it("an agent's reply marks the item Responded; the evaluator's reply keeps the status; both join the thread", async () => {
    const { item, etag } = await created();
    const byAgent = await reply(item.id, agent, "I will greet by name", etag);
    expect(byAgent.status).toBe(201);
    expect(byAgent.headers.etag).toBe('"2"');
    expect(byAgent.json.status).toBe("Responded");

    const byEvaluator = await reply(item.id, alice, "Thanks", byAgent.headers.etag);
    expect(byEvaluator.status).toBe(201);
    expect(byEvaluator.json.status).toBe("Responded");
    expect(byEvaluator.json.responses.map((r) => [r.by, r.message])).toEqual([
      [agent.userId, "I will greet by name"],
      [alice.userId, "Thanks"],
    ]);

    const fresh = await created();
    const evaluatorFirst = await reply(fresh.item.id, alice, "Any questions?", fresh.etag);
    expect(evaluatorFirst.json.status).toBe("Open");
  });

  it("requires If-Match: 428 without it, 412 when stale, and writes nothing either way", async () => {
    const { item, etag } = await created();
    const missing = await reply(item.id, agent, "hello");
    expect(missing.status).toBe(428);
    expect(missing.json).toMatchObject({ code: "PRECONDITION_REQUIRED" });
    await reply(item.id, agent, "first", etag);
    const stale = await reply(item.id, alice, "second", etag);
    expect(stale.status).toBe(412);
    expect(stale.json).toMatchObject({ code: "PRECONDITION_FAILED" });

    expect((await closeItem(item.id, alice)).status).toBe(428);
    const staleClose = await closeItem(item.id, alice, etag);
    expect(staleClose.status).toBe(412);

    const read = await app.call<ActionItemJson>("actionItemsGet", {
      as: admin,
      params: { id: item.id },
    });
    expect(read.json.responses.map((r) => r.message)).toEqual(["first"]);
    expect(read.json.status).toBe("Responded");
    expect(read.headers.etag).toBe('"2"');
  });

  it("closes the item; a reply to or close of a Closed item is 409 ACTION_ITEM_CLOSED", async () => {
    const { item, etag } = await created();
    const closed = await closeItem(item.id, agent, etag);
    expect(closed.status).toBe(200);
    expect(closed.json.status).toBe("Closed");
    const again = await closeItem(item.id, alice, closed.headers.etag);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: "ACTION_ITEM_CLOSED" });
    const late = await reply(item.id, agent, "too late", closed.headers.etag);
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ code: "ACTION_ITEM_CLOSED" });
  });

  it("lets the evaluator and an admin close too, and hides the item from others (404 before 428)", async () => {
    const a = await created();
    expect((await closeItem(a.item.id, alice, a.etag)).json.status).toBe("Closed");
    const b = await created();
    expect((await closeItem(b.item.id, admin, b.etag)).json.status).toBe("Closed");
    const c = await created();
    expect((await closeItem(c.item.id, otherAgent)).status).toBe(404);
    expect((await reply(c.item.id, bob, "hi")).status).toBe(404);
  });

  it("refuses an empty or oversized message with 400 naming the path", async () => {
    const { item, etag } = await created();
    for (const message of ["   ", "x".repeat(4001)]) {
      const res = await app.call<{ errors: { path: string }[] }>("actionItemsResponses", {
        as: agent,
        params: { id: item.id },
        headers: { "if-match": etag },
        body: { message },
      });
      expect(res.status).toBe(400);
      expect(res.json.errors[0]?.path).toContain("message");
    }
  });
});
