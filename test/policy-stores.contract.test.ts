// The store contract of what policy runs read and write (docs/data-model.md "Policies and
// operations"), run against the Cosmos adapters over cosmosdb-server and the in-memory ones:
// the pool query, the sessions a policy created, open sessions per evaluator, the policy and
// operation stores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCosmosStores } from "../shared/adapters/cosmos/index.js";
import { createInMemoryStores } from "../shared/adapters/in-memory/index.js";
import { newRunOperation } from "../shared/domain/operations.js";
import type { Policy } from "../shared/domain/policies.js";
import type { Services } from "../shared/services.js";
import { day, freshId, makeInteraction, makeSession } from "./support/fixtures.js";
import { startCosmosTestDatabase } from "./support/stores-cosmos.js";

type Stores = Pick<Services, "interactions" | "sessions" | "policies" | "operations">;

const adapters: {
  name: string;
  start: () => Promise<{ stores: Stores; close: () => Promise<void> }>;
}[] = [
  {
    name: "in-memory",
    start: () =>
      Promise.resolve({ stores: createInMemoryStores(), close: () => Promise.resolve() }),
  },
  {
    name: "cosmos",
    start: async () => {
      const db = await startCosmosTestDatabase();
      return { stores: createCosmosStores(db.database), close: db.close };
    },
  },
];

const policy = (tenantId: string, overrides: Partial<Policy> = {}): Policy => ({
  id: freshId("pol"),
  tenantId,
  name: "Weekly voice QA",
  enabled: true,
  type: "Distributed",
  formIds: ["f1"],
  criteria: {},
  quota: { perAgent: 3, period: "week" },
  evaluatorIds: ["alice", "bob"],
  dueInDays: 7,
  revision: 1,
  createdAt: day(0),
  createdBy: "admin",
  updatedAt: day(0),
  updatedBy: "admin",
  ...overrides,
});

describe.each(adapters)("$name policy stores", (adapter) => {
  let stores: Stores;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ stores, close } = await adapter.start());
  });
  afterAll(async () => {
    await close();
  });

  it("finds the pool: in the period, matching, not evaluated, free or held by the run's own slots", async () => {
    const t = freshId("tenant");
    const add = (id: string, overrides: Parameters<typeof makeInteraction>[0]) =>
      stores.interactions.createIfAbsent(makeInteraction({ ...overrides, id }));
    const hold = (sessionId: string) => ({ sessionId, at: day(1) });
    await add("in", { tenantId: t, startedAt: day(2) });
    await add("first", { tenantId: t, startedAt: day(1) });
    await add("last", { tenantId: t, startedAt: day(7.99) });
    await add("before", { tenantId: t, startedAt: day(0.99) });
    await add("after", { tenantId: t, startedAt: day(8) });
    await add("evaluated", { tenantId: t, startedAt: day(2), tags: ["Evaluated"] });
    await add("ownHold", { tenantId: t, startedAt: day(2), hold: hold("PREFIXslot") });
    await add("otherHold", { tenantId: t, startedAt: day(2), hold: hold("someone") });
    await add("chat", { tenantId: t, startedAt: day(2), channel: "chat" });
    await add("short", { tenantId: t, startedAt: day(2), durationSeconds: 10 });
    await add("otherAgent", { tenantId: t, startedAt: day(2), agentId: "agent-2" });
    await stores.interactions.createIfAbsent(makeInteraction({ tenantId: freshId("x"), id: "in" }));
    const ids = async (filter: Partial<Parameters<Stores["interactions"]["listPool"]>[1]>) =>
      (
        await stores.interactions.listPool(t, {
          from: day(1),
          to: new Date(Date.parse(day(8)) - 1).toISOString(),
          heldBy: "PREFIX",
          ...filter,
        })
      )
        .map((s) => s.doc.id)
        .sort();
    expect(await ids({})).toEqual(
      ["chat", "first", "in", "last", "otherAgent", "ownHold", "short"].sort(),
    );
    expect(await ids({ agentIds: ["agent-1"], channel: "voice", minDurationSeconds: 60 })).toEqual([
      "first",
      "in",
      "last",
      "ownHold",
    ]);
    const [stored] = await stores.interactions.listPool(t, {
      from: day(2),
      to: day(2),
      agentIds: ["agent-2"],
      heldBy: "PREFIX",
    });
    // With its etag, so a claim is one conditional write.
    expect(stored?.etag).toBeTruthy();
  });

  it("lists the sessions a policy created in a period, archived ones too", async () => {
    const t = freshId("tenant");
    const selection = (period: string) => ({ period, poolSize: 3, rank: 1, seed: "s" });
    const mine = makeSession({ tenantId: t, policyId: "p1", selection: selection("2026-11-16") });
    const archived = makeSession({
      tenantId: t,
      policyId: "p1",
      selection: selection("2026-11-16"),
      archived: true,
      agentId: "agent-2",
    });
    await stores.sessions.create(mine);
    await stores.sessions.create(archived);
    await stores.sessions.create(
      makeSession({ tenantId: t, policyId: "p1", selection: selection("2026-11-23") }),
    );
    await stores.sessions.create(
      makeSession({ tenantId: t, policyId: "p2", selection: selection("2026-11-16") }),
    );
    await stores.sessions.create(makeSession({ tenantId: t }));
    const found = await stores.sessions.policySessions(t, "p1", "2026-11-16");
    expect(found.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
      [
        { id: mine.id, agentId: mine.agentId },
        { id: archived.id, agentId: "agent-2" },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    const grid = await stores.sessions.list(
      t,
      { policyId: "p2", archived: "all", now: day(10) },
      { limit: 10 },
    );
    expect(grid.items).toHaveLength(1);
  });

  it("counts each evaluator's open sessions: not Completed, not archived, not past due", async () => {
    const t = freshId("tenant");
    const now = day(10);
    for (const overrides of [
      { evaluatorId: "alice" },
      { evaluatorId: "alice", state: "InProgress" as const },
      { evaluatorId: "alice", state: "Completed" as const },
      { evaluatorId: "alice", archived: true },
      { evaluatorId: "alice", dueDate: day(9) },
      { evaluatorId: "bob" },
      { evaluatorId: "carol" },
    ])
      await stores.sessions.create(makeSession({ tenantId: t, dueDate: day(20), ...overrides }));
    const counts = await stores.sessions.openByEvaluator(t, ["alice", "bob", "dave"], now);
    expect(Object.fromEntries(counts)).toEqual({ alice: 2, bob: 1 });
  });

  it("keeps policies: read back, replace at the etag, lastRun at the etag, lists by name, enabled across tenants", async () => {
    const t = freshId("tenant");
    const b = await stores.policies.create(policy(t, { name: "B" }));
    const a = await stores.policies.create(policy(t, { name: "A", enabled: false }));
    expect((await stores.policies.get(t, b.doc.id))?.doc).toEqual(b.doc);
    expect(await stores.policies.get(freshId("other"), b.doc.id)).toBeUndefined();
    const lastRun = { operationId: "op", at: day(1), status: "Running" as const, created: 0 };
    await stores.policies.setLastRun(t, b.doc.id, lastRun, b.etag);
    await expect(stores.policies.setLastRun(t, b.doc.id, lastRun, b.etag)).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    const read = await stores.policies.get(t, b.doc.id);
    expect(read?.doc).toEqual({ ...b.doc, lastRun });
    await expect(stores.policies.replace({ ...b.doc, name: "C" }, b.etag)).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    const page = await stores.policies.list(t, { limit: 1 });
    expect(page.items.map((p) => p.name)).toEqual(["A"]);
    const next = await stores.policies.list(t, {
      limit: 1,
      continuationToken: page.continuationToken ?? undefined,
    });
    expect(next.items.map((p) => p.name)).toEqual(["B"]);
    const enabled = (await stores.policies.enabled(1000)).map((p) => p.id);
    expect(enabled).toContain(b.doc.id);
    expect(enabled).not.toContain(a.doc.id);
  });

  it("keeps operations: created once, replaced at the etag, a policy's newest first, stalled Running ones across tenants", async () => {
    const t = freshId("tenant");
    const op = (id: string, at: string, policyId = "p1") =>
      newRunOperation(id, t, policyId, at, "admin", new Date(at));
    const first = await stores.operations.createIfAbsent(op("op1", day(1)));
    expect(first.created).toBe(true);
    expect((await stores.operations.createIfAbsent(op("op1", day(5)))).stored.doc).toEqual(
      first.stored.doc,
    );
    await stores.operations.createIfAbsent(op("op2", day(2)));
    await stores.operations.createIfAbsent(op("op3", day(3), "p2"));
    const done = await stores.operations.replace(
      { ...first.stored.doc, status: "Succeeded" },
      first.stored.etag,
    );
    await expect(
      stores.operations.replace(first.stored.doc, first.stored.etag),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    const listed = await stores.operations.list(t, { policyId: "p1" }, { limit: 10 });
    expect(listed.items.map((o) => o.id)).toEqual(["op2", "op1"]);
    expect((await stores.operations.list(t, {}, { limit: 10 })).items.map((o) => o.id)).toEqual([
      "op3",
      "op2",
      "op1",
    ]);
    const stale = (await stores.operations.stale(day(2.5), 1000)).filter(
      (s) => s.doc.tenantId === t,
    );
    expect(stale.map((s) => s.doc.id)).toEqual(["op2"]);
    expect(done.doc.status).toBe("Succeeded");
  });
});
