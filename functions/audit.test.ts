// Tests named after the audit's findings (docs/security.md "Audit findings"): each failed before
// its fix. Findings with a home elsewhere are tested there (F3, F11: holds; F12: the sweep).
import { beforeEach, describe, expect, it } from "vitest";
import { eventTypes } from "../shared/domain/events.js";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bob,
  bestAnswers,
  completeWithBestAnswers,
  createForm,
  createSession,
  ingest,
  otherAgent,
  type SessionSetup,
} from "../test/support/scenario.js";

const notice = (showScore: boolean) => ({
  dueDate: "2026-12-05T00:00:00Z",
  summary: "About your call",
  showScore,
});

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});

describe("F1 notify-agent on an Unassigned session", () => {
  it("F1: an Evaluator or an Admin gets 409 NOT_ASSIGNED and no item exists", async () => {
    const shared = await createSession(app, { type: "Shared", evaluatorId: undefined });
    for (const as of [bob, admin]) {
      const res = await app.call("sessionsNotifyAgent", {
        as,
        params: { id: shared.sessionId },
        body: notice(true),
      });
      expect([as.userId, res.status, res.json.code]).toEqual([as.userId, 409, "NOT_ASSIGNED"]);
    }
    const items = await app.call("actionItemsList", { as: admin });
    expect(items.json.items).toEqual([]);
  });
});

describe("F2 the agent a session was taken from", () => {
  async function movedToOtherAgent(): Promise<{ s: SessionSetup; itemId: string }> {
    const formId = (await createForm(app)).id;
    await ingest(app, { agentId: agent.userId, startedAt: "2026-11-01T09:00:00Z" });
    const s = await createSession(
      app,
      { interaction: { mode: "criteria", criteria: { from: "2026-11-01T00:00:00Z" } } },
      formId,
    );
    const sent = await app.call("sessionsNotifyAgent", {
      as: alice,
      params: { id: s.sessionId },
      body: notice(true),
    });
    expect(sent.json.agentId).toBe(agent.userId);
    await ingest(app, { agentId: otherAgent.userId, startedAt: "2026-11-02T09:00:00Z" });
    const session = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    const replaced = await app.call("sessionsReplaceInteraction", {
      as: alice,
      params: { id: s.sessionId },
      body: {},
      headers: { "if-match": session.headers.etag! },
    });
    expect(replaced.json.agentId).toBe(otherAgent.userId);
    await app.call("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      body: { answers: bestAnswers(formId) },
      headers: { "if-match": replaced.headers.etag! },
    });
    return { s, itemId: sent.json.id };
  }

  it("F2: the earlier agent's grid no longer lists the session", async () => {
    const { s } = await movedToOtherAgent();
    const grid = await app.call("sessionsList", { as: agent });
    expect(grid.json.items.map((row: { id: string }) => row.id)).not.toContain(s.sessionId);
    const read = await app.call("sessionsGet", { as: agent, params: { id: s.sessionId } });
    expect(read.status).toBe(404);
  });

  it("F2: the earlier agent's action item no longer shows the live score", async () => {
    const { itemId } = await movedToOtherAgent();
    const item = await app.call("actionItemsGet", { as: agent, params: { id: itemId } });
    expect(item.status).toBe(200);
    expect(item.json).not.toHaveProperty("score");
    const listed = await app.call("actionItemsList", { as: agent });
    expect(listed.json.items[0]).not.toHaveProperty("score");
  });
});

describe("F8 publishing inside the request", () => {
  it("F8: a broker that never answers holds a completion only for the publish deadline", async () => {
    app = await createTestApp({ settings: { PUBLISH_DEADLINE_MS: "100" } });
    const s = await createSession(app);
    app.publisher.hang = true;
    const started = Date.now();
    const res = await completeWithBestAnswers(app, s);
    // Without a deadline the request never answers at all (the test times out).
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    const stored = await app.stores.sessions.get("t1", s.sessionId);
    expect(stored?.doc.pendingEvents.map((e) => e.type)).toEqual([eventTypes.completed]);
  });

  it("F8: bulk archive publishes its events together, under one deadline", async () => {
    app = await createTestApp({ settings: { PUBLISH_DEADLINE_MS: "200" } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await createSession(app);
      expect((await completeWithBestAnswers(app, s)).status).toBe(200);
      ids.push(s.sessionId);
    }
    app.publisher.hang = true;
    const started = Date.now();
    const res = await app.call("sessionsArchive", { as: admin, body: { ids } });
    expect(res.json.archived).toEqual(ids);
    // One at a time, five ids would take five deadlines (≥ 1 s).
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe("F10 unbounded documents", () => {
  it("F10: the 201st reply to an action item is 409 ACTION_ITEM_FULL", async () => {
    const s = await createSession(app);
    const sent = await app.call("sessionsNotifyAgent", {
      as: alice,
      params: { id: s.sessionId },
      body: notice(false),
    });
    let etag = sent.headers.etag!;
    for (let i = 0; i < 200; i++) {
      const res = await app.call("actionItemsResponses", {
        as: agent,
        params: { id: sent.json.id },
        body: { message: `reply ${i}` },
        headers: { "if-match": etag },
      });
      expect(res.status).toBe(201);
      etag = res.headers.etag!;
    }
    const full = await app.call("actionItemsResponses", {
      as: agent,
      params: { id: sent.json.id },
      body: { message: "one more" },
      headers: { "if-match": etag },
    });
    expect([full.status, full.json.code]).toEqual([409, "ACTION_ITEM_FULL"]);
  });
});

describe("F14 the notification consumer trusts the session, not the message", () => {
  it("F14: a forged completed event naming another agent creates no item for it", async () => {
    const s = await createSession(app);
    expect((await completeWithBestAnswers(app, s, { notifyAgent: notice(true) })).status).toBe(200);
    const real = app.publisher.published.find((e) => e.type === eventTypes.completed)!;
    const forged = {
      ...real,
      id: `${real.id}.forged`,
      data: { ...real.data, agentId: otherAgent.userId, notifyAgent: notice(true) },
    };
    app.publisher.published.push(forged);
    await app.deliver();
    const items = (await app.call("actionItemsList", { as: admin })).json.items;
    expect(items.map((i: { agentId: string }) => i.agentId)).toEqual([agent.userId, agent.userId]);
    expect((await app.call("actionItemsList", { as: otherAgent })).json.items).toEqual([]);
  });

  it("F14: a forged event for a session that asked to notify nobody creates nothing", async () => {
    const s = await createSession(app);
    expect((await completeWithBestAnswers(app, s)).status).toBe(200);
    const real = app.publisher.published.find((e) => e.type === eventTypes.completed)!;
    app.publisher.published.push({
      ...real,
      id: `${real.id}.forged`,
      data: { ...real.data, notifyAgent: notice(true) },
    });
    await app.deliver();
    expect((await app.call("actionItemsList", { as: admin })).json.items).toEqual([]);
  });
});
