// Fault tests of the completion fan-out (docs/events.md): crashes between the
// write and the send, redeliveries, out-of-order and poison messages, and a save racing the
// outbox. Guarantees are checked as effects (one tag, one action item), never as deliveries.
import type { Timer } from "@azure/functions";
import { InvocationContext } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { InProcessTopic } from "../dev/topic.js";
import { eventTypes } from "../shared/domain/events.js";
import type { CloudEvent } from "../shared/domain/model.js";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  createSession,
  saveBestAnswers,
  tenant,
  type SessionSetup,
} from "../test/support/scenario.js";
import {
  registeredFunctions,
  type ServiceBusFunctionDefinition,
  type TimerFunctionDefinition,
} from "../shared/registry.js";

const notifyAgent = { dueDate: "2026-12-05T00:00:00Z", summary: "Well done", showScore: true };
const quiet = () => undefined;

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});

function serviceBusFunction(name: string): ServiceBusFunctionDefinition {
  const fn = registeredFunctions().find((f) => f.name === name);
  if (fn?.kind !== "serviceBus") throw new Error(`No Service Bus function ${name}`);
  return fn;
}

function context(functionName: string): InvocationContext {
  return new InvocationContext({ invocationId: "test", functionName, logHandler: quiet });
}

/** Runs the registered outbox timer function once, as the Functions host would. */
async function runSweep(): Promise<void> {
  const fn = registeredFunctions().find(
    (f): f is TimerFunctionDefinition => f.kind === "timer" && f.name === "outboxSweep",
  );
  if (!fn) throw new Error("outboxSweep is not registered");
  const timer: Timer = {
    isPastDue: false,
    schedule: { adjustForDST: false },
    scheduleStatus: { last: "", next: "", lastUpdated: "" },
  };
  await fn.handler(timer, context(fn.name));
}

async function saveBest(s: SessionSetup): Promise<string> {
  const saved = await saveBestAnswers(app, s);
  expect(saved.status).toBe(200);
  return saved.headers.etag!;
}

async function completeWithNotify(s: SessionSetup, etag: string) {
  return app.call("sessionsComplete", {
    as: alice,
    params: { id: s.sessionId },
    headers: { "if-match": etag },
    body: { notifyAgent },
  });
}

/** A save that changes the score of a completed session (it emits rescored.v1). */
async function rescore(s: SessionSetup, etag: string, answerId: "yes" | "no") {
  const res = await app.call("sessionsAnswers", {
    as: alice,
    params: { id: s.sessionId },
    headers: { "if-match": etag },
    body: { answers: { [s.formId]: { resolved: { answerIds: [answerId] } } } },
  });
  expect(res.status).toBe(200);
  return res.headers.etag!;
}

async function stored(s: SessionSetup) {
  const doc = (await app.stores.sessions.get(tenant, s.sessionId))?.doc;
  if (!doc) throw new Error(`session ${s.sessionId} is gone`);
  return doc;
}

async function tagsOf(s: SessionSetup): Promise<string[]> {
  const res = await app.call<{ tags: string[] }>("interactionsGet", {
    as: admin,
    params: { id: s.interactionId },
  });
  return res.json.tags;
}

async function agentItems(): Promise<{ id: string; sessionId: string }[]> {
  const res = await app.call<{ items: { id: string; sessionId: string }[] }>("actionItemsList", {
    as: agent,
  });
  return res.json.items;
}

const typesOf = (events: readonly CloudEvent[]) => events.map((e) => e.type);

describe("a crash between the session write and the publish", () => {
  it("loses nothing: the stored completion keeps its event, and the sweep publishes and clears it without touching the revision", async () => {
    const s = await createSession(app);
    const etag = await saveBest(s);
    // The process dies right after Cosmos accepted the write: the handler never reaches the
    // publisher and the client gets an error.
    const sessions = app.stores.sessions;
    const replace = sessions.replace.bind(sessions);
    sessions.replace = async (doc, storeEtag) => {
      await replace(doc, storeEtag);
      throw new Error("process crashed (test)");
    };
    const crashed = await completeWithNotify(s, etag);
    sessions.replace = replace;

    expect(crashed.status).toBe(500);
    expect(app.publisher.published).toEqual([]);
    const pending = await stored(s);
    expect(pending).toMatchObject({ state: "Completed", revision: 3, hasPendingEvents: true });
    expect(typesOf(pending.pendingEvents)).toEqual([eventTypes.completed]);

    await runSweep();
    expect(app.publisher.published.map((e) => e.id)).toEqual([pending.pendingEvents[0]!.id]);
    const after = await stored(s);
    expect(after).toMatchObject({ hasPendingEvents: false, pendingEvents: [], revision: 3 });
    const read = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    expect(read.headers.etag).toBe('"3"');

    await app.deliver();
    expect(await tagsOf(s)).toEqual(["Evaluated"]);
    expect(await agentItems()).toHaveLength(1);

    // Nothing is left for the next sweep to send.
    await runSweep();
    expect(app.publisher.published).toHaveLength(1);
  });

  it("keeps the event pending while the broker keeps failing, and a later sweep delivers it once", async () => {
    const s = await createSession(app);
    const etag = await saveBest(s);
    app.publisher.failures = 2; // the request's own publish, then the first sweep
    expect((await completeWithNotify(s, etag)).status).toBe(200);
    await expect(runSweep()).rejects.toThrow(/could not be published/);
    expect((await stored(s)).hasPendingEvents).toBe(true);

    await runSweep();
    expect(typesOf(app.publisher.published)).toEqual([eventTypes.completed]);
    expect((await stored(s)).hasPendingEvents).toBe(false);
    await app.deliver();
    expect(await agentItems()).toHaveLength(1);
  });
});

describe("redelivery and ordering", () => {
  it("delivering every message twice has one effect per subscription: one Evaluated tag, one action item", async () => {
    const s = await createSession(app);
    expect((await completeWithNotify(s, await saveBest(s))).status).toBe(200);
    const once = [...app.publisher.published];
    app.publisher.published.push(...once.map((e) => structuredClone(e)));
    const result = await app.deliver();
    expect(result).toEqual({ delivered: 2, failed: 0 });
    await app.deliver();
    app.publisher.published.push(...once.map((e) => structuredClone(e)));
    await app.deliver();

    expect(await tagsOf(s)).toEqual(["Evaluated"]);
    const items = await agentItems();
    expect(items).toHaveLength(1);
    expect(items[0]!.sessionId).toBe(s.sessionId);
  });

  it("out of order (rescored before completed, completed twice) still ends with one tag and one action item", async () => {
    const s = await createSession(app);
    const done = await completeWithNotify(s, await saveBest(s));
    await rescore(s, done.headers.etag!, "no");
    const [completed, rescored] = app.publisher.published.splice(0);
    expect(typesOf([completed!, rescored!])).toEqual([eventTypes.completed, eventTypes.rescored]);
    app.publisher.published.push(rescored!, completed!, structuredClone(completed!));

    expect(await app.deliver()).toEqual({ delivered: 3, failed: 0 });
    expect(await tagsOf(s)).toEqual(["Evaluated"]);
    expect(await agentItems()).toHaveLength(1);
  });

  it("rescored.v1 never creates a second action item, however often the session is rescored", async () => {
    const s = await createSession(app);
    const done = await completeWithNotify(s, await saveBest(s));
    await app.deliver();
    expect(await agentItems()).toHaveLength(1);

    let etag = done.headers.etag!;
    etag = await rescore(s, etag, "no");
    await rescore(s, etag, "yes");
    expect(typesOf(app.publisher.published)).toEqual([
      eventTypes.completed,
      eventTypes.rescored,
      eventTypes.rescored,
    ]);
    await app.deliver();
    expect(await agentItems()).toHaveLength(1);
  });

  it("the consumers subscribe with filters: tagging on completed, notifications also on dispute-resolved", () => {
    expect(serviceBusFunction("onSessionCompletedTag")).toMatchObject({
      topicName: "%EVENTS_TOPIC%",
      subjectFilters: [eventTypes.completed],
    });
    expect(serviceBusFunction("onSessionNotify")).toMatchObject({
      topicName: "%EVENTS_TOPIC%",
      subjectFilters: [eventTypes.completed, eventTypes["dispute-resolved"]],
    });
    expect(serviceBusFunction("onSessionNotify").subscriptionName).toBe("notifications");
    expect(serviceBusFunction("onSessionCompletedTag").subscriptionName).toBe("tagging");
  });

  it("a rescored event that reached the notification handler anyway (a wrong filter) is refused, not turned into an item", async () => {
    const s = await createSession(app);
    const done = await completeWithNotify(s, await saveBest(s));
    await rescore(s, done.headers.etag!, "no");
    const rescored = app.publisher.published.find((e) => e.type === eventTypes.rescored)!;
    const notify = serviceBusFunction("onSessionNotify");
    await expect(notify.handler(rescored, context(notify.name))).rejects.toThrow(/type/);
    expect(await agentItems()).toHaveLength(0);
  });
});

describe("poison messages", () => {
  async function completedEvent(): Promise<CloudEvent> {
    const s = await createSession(app);
    await completeWithNotify(s, await saveBest(s));
    return app.publisher.published.splice(0)[0]!;
  }

  it("make each consumer throw an error that names the invalid fields", async () => {
    const good = await completedEvent();
    const { interactionId: _i, ...data } = good.data;
    const poison = { ...good, data: { ...data, agentId: 42 } };
    for (const name of ["onSessionCompletedTag", "onSessionNotify"]) {
      const fn = serviceBusFunction(name);
      await expect(fn.handler(poison, context(name))).rejects.toThrow(
        /Invalid (completed|notification) event: .*data\.interactionId.*data\.agentId/,
      );
      await expect(fn.handler("{not json", context(name))).rejects.toThrow(
        /Invalid (completed|notification) event/,
      );
    }
    expect(await agentItems()).toHaveLength(0);
  });

  it("end in the local topic's dead-letter list after the maximum deliveries, with the reason, while good messages pass", async () => {
    const good = await completedEvent();
    const poison: CloudEvent = {
      ...good,
      id: `${good.id}-poison`,
      data: { tenantId: tenant, sessionId: "gone" },
    };
    const attempts = new Map<string, number>();
    const definitions = registeredFunctions()
      .filter((f): f is ServiceBusFunctionDefinition => f.kind === "serviceBus")
      .map((d) => ({
        ...d,
        handler: (message: unknown, ctx: InvocationContext) => {
          const key = `${d.subscriptionName}:${String(ctx.triggerMetadata?.messageId)}`;
          attempts.set(key, (attempts.get(key) ?? 0) + 1);
          return d.handler(message, ctx);
        },
      }));
    const topic = InProcessTopic.fromDefinitions(definitions, {
      topicName: "%EVENTS_TOPIC%",
      maxDeliveries: 3,
      redeliveryDelayMs: 0,
      logHandler: quiet,
    });
    await topic.publish([poison, good]);
    await topic.idle();
    await topic.close();

    const dead = topic.deadLetters();
    expect(dead.map((d) => d.subscriptionName).sort()).toEqual(["notifications", "tagging"]);
    for (const letter of dead) {
      expect(letter).toMatchObject({
        messageId: poison.id,
        subject: eventTypes.completed,
        deliveryCount: 3,
        reason: "MaxDeliveryCountExceeded",
      });
      expect(letter.errorDescription).toMatch(
        /Invalid (completed|notification) event: .*data\.interactionId/,
      );
      expect(attempts.get(`${letter.subscriptionName}:${poison.id}`)).toBe(3);
    }
    // The good message was delivered once to each subscription and had its effects.
    expect(attempts.get(`tagging:${good.id}`)).toBe(1);
    expect(attempts.get(`notifications:${good.id}`)).toBe(1);
    expect(await agentItems()).toHaveLength(1);
  });
});

describe("a save racing the outbox", () => {
  it("is not lost: clearing refuses the stale etag, the save's data and both events stay, and the sweep clears them", async () => {
    const s = await createSession(app);
    const etag = await saveBest(s);
    const clears: boolean[] = [];
    const sessions = app.stores.sessions;
    const clear = sessions.clearOutbox.bind(sessions);
    sessions.clearOutbox = async (...args) => {
      const cleared = await clear(...args);
      clears.push(cleared);
      return cleared;
    };
    // Between the completion's publish and its clear, the evaluator saves again (revision 3 is
    // what the completion wrote); that save's own publish fails, so only the sweep can clear.
    const publish = app.publisher.publish.bind(app.publisher);
    let raced = false;
    app.publisher.publish = async (events) => {
      await publish(events);
      if (raced) return;
      raced = true;
      app.publisher.failures = 1;
      await rescore(s, '"3"', "no");
    };

    const done = await completeWithNotify(s, etag);
    expect(done.status).toBe(200);
    expect(raced).toBe(true);
    expect(clears).toEqual([false]);
    const racedDoc = await stored(s);
    expect(racedDoc.revision).toBe(4);
    expect(racedDoc.answers[s.formId]?.resolved).toEqual({ answerIds: ["no"] });
    expect(racedDoc.pendingEvents.map((e) => e.type)).toEqual([
      eventTypes.completed,
      eventTypes.rescored,
    ]);

    await runSweep();
    expect(clears).toEqual([false, true]);
    const swept = await stored(s);
    expect(swept).toMatchObject({ revision: 4, hasPendingEvents: false, pendingEvents: [] });
    expect(swept.answers[s.formId]?.resolved).toEqual({ answerIds: ["no"] });
    const read = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    expect(read.headers.etag).toBe('"4"');

    await app.deliver();
    expect(await tagsOf(s)).toEqual(["Evaluated"]);
    expect(await agentItems()).toHaveLength(1);
  });

  it("the store itself refuses to clear with a stale etag and keeps the newer write", async () => {
    const s = await createSession(app);
    const done = await completeWithNotify(s, await saveBest(s));
    app.publisher.failures = 1;
    await rescore(s, done.headers.etag!, "no");
    const before = (await app.stores.sessions.get(tenant, s.sessionId))!;
    const ids = before.doc.pendingEvents.map((e) => e.id);
    expect(ids).toHaveLength(1);
    // Someone writes after `before` was read: clearing with its etag must change nothing.
    await app.stores.sessions.replace({ ...before.doc, name: "renamed meanwhile" }, before.etag);
    expect(
      await app.stores.sessions.clearOutbox(tenant, s.sessionId, { eventIds: ids }, before.etag),
    ).toBe(false);
    const after = await stored(s);
    expect(after.name).toBe("renamed meanwhile");
    expect(after.pendingEvents.map((e) => e.id)).toEqual(ids);
  });
});
