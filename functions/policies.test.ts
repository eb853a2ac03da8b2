// Policies (docs/api.md "Policies", docs/policies.md) through the registered handlers over the
// in-memory stores: CRUD, runs and dry runs, quota slots, the seeded shuffle, evaluator
// balancing, shortfalls, reruns, interrupted runs and the timer, Replace Interaction on a
// policy session, the grid filter and the operations.
import { InvocationContext, type Timer } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { slotId, slotPrefix } from "../shared/app/policy-pool.js";
import { STALE_RUN_MS } from "../shared/domain/operations.js";
import { periodOf } from "../shared/domain/periods.js";
import { derivedId } from "../shared/ids.js";
import { registeredFunctions, type TimerFunctionDefinition } from "../shared/registry.js";
import { setServices } from "../shared/services.js";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bestAnswers,
  createForm,
  ingest,
  integration,
  otherTenantAdmin,
  tenant,
} from "../test/support/scenario.js";

/** Tuesday of the week that starts on Monday 2026-11-16 (the test clock is 2026-11-26). */
const WEEK = "2026-11-17T00:00:00.000Z";
const PERIOD = "2026-11-16";

let app: TestApp;
let formId: string;
beforeEach(async () => {
  app = await createTestApp();
  formId = (await createForm(app)).id;
});

const body = (overrides: Record<string, unknown> = {}) => ({
  name: "Weekly voice QA",
  enabled: true,
  type: "Distributed",
  formIds: [formId],
  criteria: {},
  quota: { perAgent: 2, period: "week" },
  evaluatorIds: ["alice", "bob"],
  dueInDays: 7,
  ...overrides,
});

async function newPolicy(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await app.call("policiesCreate", { as: admin, body: body(overrides) });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.id;
}

/** `count` interactions of each agent, one a day from Monday of the test week. */
async function interactions(agents: string[], count: number, extra: Record<string, unknown> = {}) {
  const ids: Record<string, string[]> = {};
  for (const agentId of agents) {
    ids[agentId] = [];
    for (let i = 0; i < count; i++) {
      const startedAt = new Date(Date.parse(`${PERIOD}T08:00:00Z`) + i * 3_600_000).toISOString();
      ids[agentId].push((await ingest(app, { agentId, startedAt, ...extra })).id);
    }
  }
  return ids;
}

const dryRun = (id: string, periodStart = WEEK) =>
  app.call("policiesRun", { as: admin, params: { id }, body: { periodStart, dryRun: true } });

/** Runs the policy (202) and returns its finished operation. */
async function run(id: string, periodStart: string | undefined = WEEK) {
  const res = await app.call("policiesRun", {
    as: admin,
    params: { id },
    body: periodStart === undefined ? {} : { periodStart },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  expect(res.headers.location).toBe(`/api/operations/${res.json.operationId}`);
  return (await app.call("operationsGet", { as: admin, params: { id: res.json.operationId } }))
    .json;
}

/** The policy's sessions, archived ones too, in full. */
async function sessionsOf(policyId: string) {
  const grid = await app.call("sessionsList", {
    as: admin,
    query: { policyId, archived: "all", limit: "200" },
  });
  const full = [];
  for (const row of grid.json.items) {
    full.push((await app.call("sessionsGet", { as: admin, params: { id: row.id } })).json);
  }
  return full;
}

const perAgent = (sessions: { agentId: string }[]) =>
  sessions.reduce<Record<string, number>>(
    (n, s) => ({ ...n, [s.agentId]: (n[s.agentId] ?? 0) + 1 }),
    {},
  );

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};

/** Fires the policies timer as the Functions host would. */
async function fireTimer(): Promise<void> {
  const fn = registeredFunctions().find(
    (f): f is TimerFunctionDefinition => f.kind === "timer" && f.name === "policiesTimer",
  );
  if (!fn) throw new Error("policiesTimer is not registered");
  await fn.handler(
    timer,
    new InvocationContext({ functionName: fn.name, logHandler: () => undefined }),
  );
  await app.background.drain();
}

describe("policies: create, read, list, replace", () => {
  it("creates a policy (201, Location, ETag), reads it, lists it by name and replaces it at its ETag", async () => {
    const created = await app.call("policiesCreate", { as: admin, body: body() });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`/api/policies/${created.json.id}`);
    expect(created.json).toMatchObject({ ...body(), createdBy: admin.userId });
    expect(created.json).not.toHaveProperty("lastRun");
    await newPolicy({ name: "Another" });
    const list = await app.call("policiesList", { as: admin });
    expect(list.json.items.map((p: { name: string }) => p.name)).toEqual([
      "Another",
      "Weekly voice QA",
    ]);
    const id = created.json.id;
    const replaced = await app.call("policiesUpdate", {
      as: admin,
      params: { id },
      headers: { "if-match": '"1"' },
      body: body({ type: "Shared", evaluatorIds: undefined, enabled: false }),
    });
    expect(replaced.status, JSON.stringify(replaced.json)).toBe(200);
    expect(replaced.headers.etag).toBe('"2"');
    expect(replaced.json).toMatchObject({ type: "Shared", enabled: false });
    expect(replaced.json).not.toHaveProperty("evaluatorIds");
    const read = await app.call("policiesGet", { as: admin, params: { id } });
    expect([read.headers.etag, read.json.type]).toEqual(['"2"', "Shared"]);
  });

  it("is for Administrators only: every other role gets 403", async () => {
    const id = await newPolicy();
    const op = (await app.call("policiesRun", { as: admin, params: { id }, body: {} })).json;
    for (const as of [alice, agent, integration]) {
      const calls = [
        app.call("policiesCreate", { as, body: body() }),
        app.call("policiesList", { as }),
        app.call("policiesGet", { as, params: { id } }),
        app.call("policiesUpdate", {
          as,
          params: { id },
          headers: { "if-match": '"1"' },
          body: body(),
        }),
        app.call("policiesRun", { as, params: { id }, body: { dryRun: true } }),
        app.call("operationsGet", { as, params: { id: op.operationId } }),
        app.call("operationsList", { as, query: { policyId: id } }),
      ];
      for (const res of await Promise.all(calls)) expect(res.json.code).toBe("FORBIDDEN");
    }
    const me = async (as: typeof admin) => (await app.call("me", { as })).json.can.managePolicies;
    expect([await me(admin), await me(alice)]).toEqual([true, false]);
  });

  it("refuses a bad policy with 400 naming the path: unknown forms, quota and evaluator limits", async () => {
    const refused = async (overrides: Record<string, unknown>, path: string) => {
      const res = await app.call("policiesCreate", { as: admin, body: body(overrides) });
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.json.code).toBe("VALIDATION_FAILED");
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await refused({ formIds: [formId, "no-such-form"] }, "formIds.1");
    await refused({ evaluatorIds: undefined }, "evaluatorIds");
    await refused({ evaluatorIds: [] }, "evaluatorIds");
    await refused({ evaluatorIds: Array.from({ length: 501 }, (_, i) => `e${i}`) }, "evaluatorIds");
    await refused({ type: "Shared" }, "evaluatorIds");
    await refused({ quota: { perAgent: 0, period: "week" } }, "quota.perAgent");
    await refused({ quota: { perAgent: 51, period: "week" } }, "quota.perAgent");
    await refused({ quota: { perAgent: 1, period: "year" } }, "quota.period");
    await refused({ dueInDays: 91 }, "dueInDays");
    await refused({ type: "AdHoc" }, "type");
    // The other tenant's Administrator names this tenant's form: it does not exist for them.
    const other = await app.call("policiesCreate", { as: otherTenantAdmin, body: body() });
    expect(other.json.errors).toEqual([{ path: "formIds.0", message: "no such form" }]);
    expect((await app.call("policiesList", { as: admin })).json.items).toEqual([]);
  });

  it("replaces only at the current revision: 400 first, then 428 without If-Match, 412 when stale", async () => {
    const id = await newPolicy();
    const update = (headers: Record<string, string>, b: unknown = body()) =>
      app.call("policiesUpdate", { as: admin, params: { id }, headers, body: b });
    expect((await update({}, body({ dueInDays: 0 }))).status).toBe(400);
    expect((await update({}, body({ formIds: ["nope"] }))).status).toBe(400);
    expect((await update({})).json.code).toBe("PRECONDITION_REQUIRED");
    expect((await update({ "if-match": '"7"' })).json.code).toBe("PRECONDITION_FAILED");
    expect((await update({ "if-match": '"1"' })).status).toBe(200);
    expect((await update({ "if-match": '"1"' })).json.code).toBe("PRECONDITION_FAILED");
  });

  it("keeps another tenant's policies and operations out of sight (404)", async () => {
    const id = await newPolicy();
    const op = (await app.call("policiesRun", { as: admin, params: { id }, body: {} })).json;
    const as = otherTenantAdmin;
    expect((await app.call("policiesGet", { as, params: { id } })).status).toBe(404);
    expect((await app.call("policiesRun", { as, params: { id }, body: {} })).status).toBe(404);
    expect((await app.call("operationsGet", { as, params: { id: op.operationId } })).status).toBe(
      404,
    );
    expect((await app.call("operationsList", { as, query: { policyId: id } })).json.items).toEqual(
      [],
    );
  });
});

describe("policy runs", () => {
  it("a dry run writes nothing and is exactly what the run then creates", async () => {
    await interactions(["agent-1", "agent-2", "agent-3"], 3);
    await interactions(["agent-4"], 1);
    const id = await newPolicy({ evaluatorIds: ["carol", "bob", "alice"] });
    const before = await app.stores.sessions.list(
      tenant,
      { archived: "all", now: WEEK },
      { limit: 200 },
    );
    const dry = await dryRun(id);
    expect(dry.status).toBe(200);
    expect(
      await app.stores.sessions.list(tenant, { archived: "all", now: WEEK }, { limit: 200 }),
    ).toEqual(before);
    expect(
      (await app.call("operationsList", { as: admin, query: { policyId: id } })).json.items,
    ).toEqual([]);
    expect(dry.json.shortfall).toEqual([
      { agentId: "agent-4", wanted: 2, available: 1, reason: "NO_INTERACTIONS" },
    ]);
    const op = await run(id);
    const made = (await sessionsOf(id)).map((s) => ({
      agentId: s.agentId,
      interactionId: s.interaction.id,
      evaluatorId: s.evaluatorId,
    }));
    const order = (xs: { agentId: string; interactionId: string }[]) =>
      [...xs].sort((a, b) =>
        `${a.agentId}${a.interactionId}` < `${b.agentId}${b.interactionId}` ? -1 : 1,
      );
    expect(order(made)).toEqual(order(dry.json.planned));
    expect(op.result.shortfall).toEqual(dry.json.shortfall);
  });

  it("answers 202, ends Succeeded with its progress and result, and shows as the policy's lastRun", async () => {
    await interactions(["agent-1", "agent-2"], 3);
    const id = await newPolicy();
    const op = await run(id);
    expect(op).toMatchObject({ status: "Succeeded", progress: { done: 4, total: 4 } });
    expect(op.result.created).toHaveLength(4);
    expect(op).not.toHaveProperty("error");
    const policy = await app.call("policiesGet", { as: admin, params: { id } });
    expect(policy.json.lastRun).toEqual({
      operationId: op.id,
      at: app.clock.now().toISOString(),
      status: "Succeeded",
      created: 4,
    });
    // A run's bookkeeping never changes the revision a writer saw.
    expect(policy.headers.etag).toBe('"1"');
  });

  it("creates at most perAgent per agent and period; a rerun adds only what is missing, and an archived session keeps its slot", async () => {
    await interactions(["agent-1", "agent-2"], 5);
    const id = await newPolicy({ quota: { perAgent: 3, period: "week" } });
    const first = await run(id);
    expect(first.result.created).toHaveLength(6);
    expect((await run(id)).result.created).toEqual([]);
    // Complete and archive one: it still fills its slot.
    const [done] = await sessionsOf(id);
    const evaluator = { ...alice, userId: done.evaluatorId };
    const saved = await app.call("sessionsAnswers", {
      as: evaluator,
      params: { id: done.id },
      headers: { "if-match": '"1"' },
      body: { answers: bestAnswers(formId) },
    });
    const completed = await app.call("sessionsComplete", {
      as: evaluator,
      params: { id: done.id },
      headers: { "if-match": saved.headers.etag! },
      body: {},
    });
    expect(completed.status).toBe(200);
    expect(
      (await app.call("sessionsArchive", { as: admin, body: { ids: [done.id] } })).json.archived,
    ).toEqual([done.id]);
    expect((await run(id)).result.created).toEqual([]);
    expect(perAgent(await sessionsOf(id))).toEqual({ "agent-1": 3, "agent-2": 3 });
    // Another period is another quota.
    await ingest(app, { agentId: "agent-1", startedAt: "2026-11-24T09:00:00Z" });
    expect((await run(id, "2026-11-24T09:00:00Z")).result.created).toHaveLength(1);
  });

  it("counts the slots filled before perAgent was lowered, and fills the next ones once it is raised", async () => {
    await interactions(["agent-1"], 5);
    const id = await newPolicy({ quota: { perAgent: 3, period: "week" } });
    expect((await run(id)).result.created).toHaveLength(3);
    const revise = async (perAgent: number, etag: string) => {
      const res = await app.call("policiesUpdate", {
        as: admin,
        params: { id },
        headers: { "if-match": etag },
        body: body({ quota: { perAgent, period: "week" } }),
      });
      expect(res.status).toBe(200);
    };
    await revise(1, '"1"');
    expect((await run(id)).result.created).toEqual([]);
    await revise(4, '"2"');
    const prefix = slotPrefix(tenant, id, periodOf(new Date(WEEK), "week"));
    expect((await run(id)).result.created).toEqual([slotId(prefix, "agent-1", 4)]);
  });

  it("a rerun fills a shortfall once more interactions arrive, in the slots still free", async () => {
    await interactions(["agent-1"], 1);
    const id = await newPolicy({ quota: { perAgent: 3, period: "week" } });
    const first = await run(id);
    expect(first.result.shortfall).toEqual([
      { agentId: "agent-1", wanted: 3, available: 1, reason: "NO_INTERACTIONS" },
    ]);
    await ingest(app, { agentId: "agent-1", startedAt: "2026-11-20T09:00:00Z" });
    await ingest(app, { agentId: "agent-1", startedAt: "2026-11-21T09:00:00Z" });
    const second = await run(id);
    expect(second.result).toEqual({ created: expect.any(Array), shortfall: [] });
    const prefix = slotPrefix(tenant, id, periodOf(new Date(WEEK), "week"));
    expect([...first.result.created, ...second.result.created].sort()).toEqual(
      [1, 2, 3].map((k) => slotId(prefix, "agent-1", k)).sort(),
    );
  });

  it("records why each session was picked: period, pool size, rank and seed, and anyone can recompute the draw", async () => {
    const pool = (await interactions(["agent-1"], 6))["agent-1"]!;
    const id = await newPolicy();
    await run(id);
    const seed = `${id}/${PERIOD}/agent-1`;
    // The seeded shuffle: the pool sorted by SHA-256 of (seed, interaction id).
    const drawn = [...pool].sort((a, b) =>
      derivedId([seed, a], 16) < derivedId([seed, b], 16) ? -1 : 1,
    );
    const sessions = (await sessionsOf(id)).sort((a, b) => a.selection.rank - b.selection.rank);
    expect(sessions.map((s) => [s.interaction.id, s.selection])).toEqual([
      [drawn[0], { period: PERIOD, poolSize: 6, rank: 1, seed }],
      [drawn[1], { period: PERIOD, poolSize: 6, rank: 2, seed }],
    ]);
  });

  it("creates each session as policy:<id>, named policy – agent – period, due dueInDays after it was made, with its history entry", async () => {
    await interactions(["agent-1"], 1);
    const id = await newPolicy({ dueInDays: 3 });
    app.clock.set("2026-11-26T12:34:56.000Z");
    await run(id);
    const [session] = await sessionsOf(id);
    expect(session).toMatchObject({
      name: `Weekly voice QA – agent-1 – ${PERIOD}`,
      source: "policy",
      policyId: id,
      type: "Distributed",
      status: "Pending",
      createdBy: `policy:${id}`,
      lastEditedBy: `policy:${id}`,
      dueDate: "2026-11-29T12:34:56.000Z",
    });
    const history = await app.stores.history.list(tenant, session.id, { limit: 10 });
    expect(history.items.map((h) => [h.action, h.by])).toEqual([["created", `policy:${id}`]]);
    expect(session.id.length).toBeLessThanOrEqual(56);
  });

  it("takes its pool from the period and the criteria, leaving held and evaluated interactions out", async () => {
    const agentId = "agent-1";
    await ingest(app, { agentId, startedAt: "2026-11-15T23:59:59.999Z" }); // the week before
    await ingest(app, { agentId, startedAt: "2026-11-23T00:00:00.000Z" }); // the week after
    await ingest(app, { agentId, startedAt: WEEK, channel: "chat" });
    await ingest(app, { agentId, startedAt: WEEK, durationSeconds: 30 });
    const held = await ingest(app, { agentId, startedAt: WEEK });
    const good = await ingest(app, { agentId, startedAt: "2026-11-22T23:59:59.999Z" });
    await ingest(app, { agentId: "agent-9", startedAt: WEEK });
    const manual = await app.call("sessionsCreate", {
      as: admin,
      body: {
        name: "By hand",
        type: "Distributed",
        formIds: [formId],
        evaluatorId: "alice",
        dueDate: "2026-12-10T00:00:00Z",
        interaction: { mode: "manual", interactionId: held.id },
      },
    });
    expect(manual.status).toBe(201);
    const id = await newPolicy({
      criteria: { agentIds: [agentId], channel: "voice", minDurationSeconds: 60 },
      quota: { perAgent: 5, period: "week" },
    });
    const op = await run(id);
    expect((await sessionsOf(id)).map((s) => s.interaction.id)).toEqual([good.id]);
    expect(op.result.shortfall).toEqual([
      { agentId, wanted: 5, available: 1, reason: "NO_INTERACTIONS" },
    ]);
  });

  it("balances evaluators by fewest open sessions, never gives an agent itself, and reports NO_EVALUATOR_AVAILABLE as a shortfall", async () => {
    await interactions(["agent-1", "agent-2", "bob"], 2);
    // bob already has an open session.
    const busy = await ingest(app, { agentId: "agent-7", startedAt: "2026-11-01T09:00:00Z" });
    await app.call("sessionsCreate", {
      as: admin,
      body: {
        name: "Busy",
        type: "Distributed",
        formIds: [formId],
        evaluatorId: "bob",
        dueDate: "2026-12-10T00:00:00Z",
        interaction: { mode: "manual", interactionId: busy.id },
      },
    });
    const id = await newPolicy({ evaluatorIds: ["bob", "alice"] });
    const op = await run(id);
    expect(op.status).toBe("Succeeded");
    const byAgent = (await sessionsOf(id)).map((s) => `${s.agentId}→${s.evaluatorId}`).sort();
    // alice 0, bob 1 open: agent-1 → alice, then a tie → alice (by id); agent-2 → bob, then
    // alice; bob's own sessions can only go to alice.
    expect(byAgent).toEqual([
      "agent-1→alice",
      "agent-1→alice",
      "agent-2→alice",
      "agent-2→bob",
      "bob→alice",
      "bob→alice",
    ]);
    await ingest(app, { agentId: "agent-1", startedAt: "2026-11-21T09:00:00Z" });
    await ingest(app, { agentId: "agent-9", startedAt: "2026-11-21T09:00:00Z" });
    const solo = await newPolicy({ name: "Solo", evaluatorIds: ["agent-1"] });
    const soloRun = await run(solo);
    expect(soloRun.status).toBe("Succeeded");
    expect(soloRun.result.shortfall).toEqual([
      { agentId: "agent-1", wanted: 2, available: 1, reason: "NO_EVALUATOR_AVAILABLE" },
      { agentId: "agent-9", wanted: 2, available: 1, reason: "NO_INTERACTIONS" },
    ]);
    expect((await sessionsOf(solo)).map((s) => `${s.agentId}→${s.evaluatorId}`)).toEqual([
      "agent-9→agent-1",
    ]);
  });

  it("creates Shared sessions Unassigned, and takes the period around now when no periodStart is given", async () => {
    app.clock.set("2026-11-18T10:00:00Z");
    await interactions(["agent-1"], 1);
    const id = await newPolicy({
      type: "Shared",
      evaluatorIds: undefined,
      quota: { perAgent: 1, period: "month" },
    });
    const op = await run(id, undefined);
    expect(op.result.created).toHaveLength(1);
    const [session] = await sessionsOf(id);
    expect(session).toMatchObject({
      status: "Unassigned",
      evaluatorId: null,
      selection: { period: "2026-11-01" },
    });
  });

  it("two runs at once never exceed a quota nor give one interaction two sessions", async () => {
    await interactions(["agent-1", "agent-2", "agent-3"], 4);
    const id = await newPolicy({ quota: { perAgent: 3, period: "week" } });
    const started = await Promise.all(
      [1, 2, 3].map(() =>
        app.call("policiesRun", { as: admin, params: { id }, body: { periodStart: WEEK } }),
      ),
    );
    expect(started.map((r) => r.status)).toEqual([202, 202, 202]);
    const sessions = await sessionsOf(id);
    expect(perAgent(sessions)).toEqual({ "agent-1": 3, "agent-2": 3, "agent-3": 3 });
    expect(new Set(sessions.map((s) => s.interaction.id)).size).toBe(9);
    const ops = await Promise.all(
      started.map((r) =>
        app.call("operationsGet", { as: admin, params: { id: r.json.operationId } }),
      ),
    );
    const reported = ops.flatMap((op) => op.json.result.created);
    expect(reported.sort()).toEqual(sessions.map((s) => s.id).sort());
  });
});

describe("interrupted runs", () => {
  /**
   * Kills the "process" once the `n`th call named `site` (`sessions.create`, ...) has landed:
   * every store call after it fails, as if the instance was gone. `revive` is the next instance.
   */
  function crashAfter(site: string, n: number) {
    let calls = 0;
    let dead = false;
    const wrap = <T extends object>(name: string, store: T): T =>
      new Proxy(store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== "function") return value;
          return async (...args: unknown[]) => {
            if (dead) throw new Error("the instance is gone");
            const result = await value.apply(target, args);
            if (`${name}.${String(prop)}` === site && ++calls === n) dead = true;
            return result;
          };
        },
      });
    const s = app.stores;
    setServices({
      ...app.services,
      sessions: wrap("sessions", s.sessions),
      interactions: wrap("interactions", s.interactions),
      operations: wrap("operations", s.operations),
      policies: wrap("policies", s.policies),
      history: wrap("history", s.history),
    });
    return { revive: () => setServices(app.services) };
  }

  async function runUntilCrash(id: string, site: string, n: number) {
    const { revive } = crashAfter(site, n);
    const res = await app.call("policiesRun", {
      as: admin,
      params: { id },
      body: { periodStart: WEEK },
    });
    revive();
    expect(res.status).toBe(202);
    return res.json.operationId as string;
  }

  it("a run cut short after some sessions is continued by the timer: nothing twice, no quota exceeded, every session reported", async () => {
    await interactions(["agent-1", "agent-2", "agent-3"], 3);
    const id = await newPolicy();
    const opId = await runUntilCrash(id, "sessions.create", 3);
    const cut = (await app.call("operationsGet", { as: admin, params: { id: opId } })).json;
    expect(cut.status).toBe("Running");
    await fireTimer(); // too early: the run may still be alive
    expect((await app.call("operationsGet", { as: admin, params: { id: opId } })).json.status).toBe(
      "Running",
    );
    app.clock.advance(STALE_RUN_MS);
    await fireTimer();
    const op = (await app.call("operationsGet", { as: admin, params: { id: opId } })).json;
    expect(op).toMatchObject({ status: "Succeeded", progress: { done: 6, total: 6 } });
    const sessions = await sessionsOf(id);
    expect(perAgent(sessions)).toEqual({ "agent-1": 2, "agent-2": 2, "agent-3": 2 });
    expect(new Set(sessions.map((s) => s.interaction.id)).size).toBe(6);
    expect([...op.result.created].sort()).toEqual(sessions.map((s) => s.id).sort());
  });

  it("a run cut short between a hold and its session retakes that interaction for the same slot", async () => {
    const pool = (await interactions(["agent-1"], 4))["agent-1"]!;
    const id = await newPolicy();
    const opId = await runUntilCrash(id, "interactions.setHold", 1);
    const orphan = pool.map((i) => app.stores.interactions.getStored(tenant, i));
    const held = (await Promise.all(orphan)).filter((s) => s?.doc.hold);
    expect(held).toHaveLength(1);
    app.clock.advance(STALE_RUN_MS);
    await fireTimer();
    const op = (await app.call("operationsGet", { as: admin, params: { id: opId } })).json;
    expect(op.status).toBe("Succeeded");
    const sessions = await sessionsOf(id);
    expect(sessions.map((s) => s.interaction.id)).toContain(held[0]!.doc.id);
    // No hold outlives its session: every held interaction is one a session has.
    const holds = (await Promise.all(pool.map((i) => app.stores.interactions.get(tenant, i))))
      .filter((i) => i?.hold)
      .map((i) => i!.id)
      .sort();
    expect(holds).toEqual(sessions.map((s) => s.interaction.id).sort());
  });

  it("a run whose store fails ends Failed with what it created; a rerun fills the rest", async () => {
    await interactions(["agent-1", "agent-2"], 2);
    const id = await newPolicy();
    let creates = 0;
    const sessions = app.stores.sessions;
    setServices({
      ...app.services,
      sessions: Object.assign(Object.create(sessions) as typeof sessions, {
        create: (doc: Parameters<typeof sessions.create>[0]) => {
          if (++creates === 3) return Promise.reject(new Error("socket hang up"));
          return sessions.create(doc);
        },
      }),
    });
    const first = await run(id);
    setServices(app.services);
    expect(first).toMatchObject({
      status: "Failed",
      error: { code: "INTERNAL" },
      result: { created: expect.any(Array) },
    });
    // What it made before the failure (other agents' slots in flight may have finished too).
    const made = (await sessionsOf(id)).map((s) => s.id).sort();
    expect([...first.result.created].sort()).toEqual(made);
    expect(made.length).toBeLessThan(4);
    const policy = (await app.call("policiesGet", { as: admin, params: { id } })).json;
    expect(policy.lastRun).toMatchObject({
      operationId: first.id,
      status: "Failed",
      created: made.length,
    });
    expect((await run(id)).result.created).toHaveLength(4 - made.length);
    expect(perAgent(await sessionsOf(id))).toEqual({ "agent-1": 2, "agent-2": 2 });
  });
});

describe("the policies timer", () => {
  it("runs enabled policies for the current period, and the previous one during the first 24 hours; never disabled ones", async () => {
    await interactions(["agent-1", "agent-2"], 2); // the week of 2026-11-16
    await ingest(app, { agentId: "agent-1", startedAt: "2026-11-23T01:00:00Z" }); // the next week
    const on = await newPolicy({ name: "On", criteria: { agentIds: ["agent-1"] } });
    const off = await newPolicy({
      name: "Off",
      enabled: false,
      criteria: { agentIds: ["agent-2"] },
    });
    app.clock.set("2026-11-23T05:00:00Z");
    await fireTimer();
    expect(perAgent(await sessionsOf(on))).toEqual({ "agent-1": 3 });
    expect(await sessionsOf(off)).toEqual([]);
    const ops = (await app.call("operationsList", { as: admin, query: { policyId: on } })).json
      .items;
    expect(ops).toHaveLength(2);
    // Nothing left to do: no further operations, even hours later.
    app.clock.set("2026-11-23T06:00:00Z");
    await fireTimer();
    expect(
      (await app.call("operationsList", { as: admin, query: { policyId: on } })).json.items,
    ).toHaveLength(2);
    // A disabled policy still runs by hand.
    expect((await run(off)).result.created).toHaveLength(2);
  });

  it("starts one run per policy and period in an hour, however often it fires", async () => {
    await interactions(["agent-1"], 1);
    const id = await newPolicy();
    app.clock.set("2026-11-20T10:00:00Z");
    const runs = async () =>
      (await app.call("operationsList", { as: admin, query: { policyId: id } })).json.items.length;
    await fireTimer();
    await ingest(app, { agentId: "agent-1", startedAt: "2026-11-19T09:00:00Z" });
    // Fired again within the hour (a redelivered trigger): that hour's run exists already.
    app.clock.set("2026-11-20T10:59:00Z");
    await fireTimer();
    expect([await runs(), perAgent(await sessionsOf(id))]).toEqual([1, { "agent-1": 1 }]);
    app.clock.set("2026-11-20T11:00:00Z");
    await fireTimer();
    expect([await runs(), perAgent(await sessionsOf(id))]).toEqual([2, { "agent-1": 2 }]);
  });
});

describe("Replace Interaction on a policy session", () => {
  async function policySession() {
    const pool = (await interactions(["agent-1"], 3))["agent-1"]!;
    await ingest(app, { agentId: "agent-1", startedAt: "2026-11-23T09:00:00Z" }); // the next week
    const id = await newPolicy({ quota: { perAgent: 1, period: "week" }, evaluatorIds: ["alice"] });
    await run(id);
    const [session] = await sessionsOf(id);
    return { id, pool, session };
  }

  const replace = (sessionId: string, b: unknown = {}, etag = '"1"') =>
    app.call("sessionsReplaceInteraction", {
      as: alice,
      params: { id: sessionId },
      headers: { "if-match": etag },
      body: b,
    });

  it("takes the next of the same agent's shuffled pool in the same period and rewrites the selection", async () => {
    const { id, pool, session } = await policySession();
    const seed = `${id}/${PERIOD}/agent-1`;
    const drawn = [...pool].sort((a, b) =>
      derivedId([seed, a], 16) < derivedId([seed, b], 16) ? -1 : 1,
    );
    expect(session.interaction.id).toBe(drawn[0]);
    const res = await replace(session.id);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    // The pool now: the two others (the current one is the session's own).
    const rest = drawn.slice(1);
    expect(res.json.interaction.id).toBe(rest[0]);
    expect(res.json.selection).toEqual({ period: PERIOD, poolSize: 2, rank: 1, seed });
    expect(res.json.agentId).toBe("agent-1");
    const again = await replace(session.id, {}, res.headers.etag);
    expect(again.json.interaction.id).toBe(drawn[0]);
  });

  it("refuses a chosen interaction of another agent or period (422) and answers 409 when none is left", async () => {
    const { pool, session } = await policySession();
    const otherAgent = await ingest(app, { agentId: "agent-2", startedAt: WEEK });
    const nextWeek = await ingest(app, { agentId: "agent-1", startedAt: "2026-11-24T09:00:00Z" });
    expect((await replace(session.id, { interactionId: otherAgent.id })).json.code).toBe(
      "INTERACTION_NOT_ELIGIBLE",
    );
    expect((await replace(session.id, { interactionId: nextWeek.id })).json.code).toBe(
      "INTERACTION_NOT_ELIGIBLE",
    );
    const chosen = pool.find((i) => i !== session.interaction.id)!;
    const moved = await replace(session.id, { interactionId: chosen });
    expect(moved.status).toBe(200);
    // The pool when it was picked: the two interactions other than the current one.
    expect(moved.json.selection).toMatchObject({ poolSize: 2 });
    // Take the other two by hand: then nothing is left for the session.
    for (const interactionId of pool.filter((i) => i !== chosen)) {
      const byHand = await app.call("sessionsCreate", {
        as: admin,
        body: {
          name: "By hand",
          type: "Distributed",
          formIds: [formId],
          evaluatorId: "bob",
          dueDate: "2026-12-10T00:00:00Z",
          interaction: { mode: "manual", interactionId },
        },
      });
      expect(byHand.status).toBe(201);
    }
    const none = await replace(session.id, {}, moved.headers.etag);
    expect(none.json.code).toBe("NO_MATCHING_INTERACTION");
  });
});

describe("lists", () => {
  it("the grid filters by policyId", async () => {
    await interactions(["agent-1"], 3);
    const a = await newPolicy({ quota: { perAgent: 1, period: "week" } });
    const b = await newPolicy({ name: "B", quota: { perAgent: 2, period: "week" } });
    await run(a);
    await run(b);
    const grid = async (policyId: string) =>
      (await app.call("sessionsList", { as: admin, query: { policyId } })).json.items.length;
    expect([await grid(a), await grid(b)]).toEqual([1, 2]);
  });

  it("lists a policy's runs newest first; an unknown operation is 404", async () => {
    const id = await newPolicy();
    const other = await newPolicy({ name: "Other" });
    const first = await run(id);
    app.clock.advance(60_000);
    const second = await run(id);
    await run(other);
    const ops = (await app.call("operationsList", { as: admin, query: { policyId: id } })).json
      .items;
    expect(ops.map((op: { id: string }) => op.id)).toEqual([second.id, first.id]);
    expect(ops[0]).toEqual(second);
    expect((await app.call("operationsGet", { as: admin, params: { id: "nope" } })).status).toBe(
      404,
    );
  });
});
