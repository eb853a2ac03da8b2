import { describe, expect, it } from "vitest";
import { derivedId } from "../ids.js";
import { admin } from "../../test/support/domain-fixtures.js";
import { finished, isStale, newRunOperation, STALE_RUN_MS, supersedes } from "./operations.js";
import {
  inPool,
  MAX_RUN_SESSIONS,
  newPolicy,
  planRun,
  policyInputSchema,
  policyRules,
  revisePolicy,
  shuffled,
  timerPeriods,
  type Policy,
  type PolicyInput,
  type RunState,
} from "./policies.js";

/** A parsed body; an override of `undefined` leaves the field out, as JSON would. */
const input = (overrides: Record<string, unknown> = {}): PolicyInput => {
  const body = {
    name: "Weekly voice QA",
    type: "Distributed",
    formIds: ["f1"],
    quota: { perAgent: 3, period: "week" },
    evaluatorIds: ["alice", "bob"],
    dueInDays: 7,
    ...overrides,
  };
  return policyInputSchema.parse(
    Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)),
  );
};

const policy = (overrides: Record<string, unknown> = {}): Policy =>
  newPolicy(admin, input(overrides), "p1", new Date("2026-11-26T10:00:00Z"));

/** A state whose pools are plain ids (already in shuffle order). */
function state(
  pools: Record<string, string[]>,
  filled: Record<string, number[]> = {},
  open: Record<string, number> = {},
): RunState<string> {
  return {
    pools: new Map(Object.entries(pools)),
    filled: new Map(Object.entries(filled).map(([agent, slots]) => [agent, new Set(slots)])),
    open: new Map(Object.entries(open)),
  };
}

const picks = (plan: ReturnType<typeof planRun<string>>) =>
  plan.sessions.map((s) => `${s.agentId}#${s.slot}:${s.pool[s.index]}→${s.evaluatorId}`);

describe("policy input", () => {
  it("needs 1–500 evaluatorIds for Distributed and none for Shared", () => {
    expect(policyRules(input())).toEqual([]);
    expect(policyRules(input({ evaluatorIds: undefined }))).toMatchObject([
      { path: "evaluatorIds" },
    ]);
    expect(policyRules(input({ type: "Shared" }))).toMatchObject([{ path: "evaluatorIds" }]);
    expect(policyRules(input({ type: "Shared", evaluatorIds: undefined }))).toEqual([]);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `e${i}`);
    expect(policyInputSchema.safeParse({ ...input(), evaluatorIds: ids(500) }).success).toBe(true);
    expect(policyInputSchema.safeParse({ ...input(), evaluatorIds: ids(501) }).success).toBe(false);
    expect(policyInputSchema.safeParse({ ...input(), evaluatorIds: [] }).success).toBe(false);
  });

  it("keeps perAgent within 1–50, dueInDays within 1–90, and knows day, week and month", () => {
    const parses = (overrides: Record<string, unknown>) =>
      policyInputSchema.safeParse({ ...input(), ...overrides }).success;
    for (const perAgent of [1, 50])
      expect(parses({ quota: { perAgent, period: "day" } })).toBe(true);
    for (const perAgent of [0, 51, 2.5])
      expect(parses({ quota: { perAgent, period: "day" } })).toBe(false);
    expect(parses({ quota: { perAgent: 1, period: "year" } })).toBe(false);
    for (const dueInDays of [1, 90]) expect(parses({ dueInDays })).toBe(true);
    for (const dueInDays of [0, 91]) expect(parses({ dueInDays })).toBe(false);
    expect(parses({ formIds: ["f1", "f1"] })).toBe(false);
    expect(parses({ criteria: { agentIds: ["a", "a"] } })).toBe(false);
  });

  it("revises at the revision the writer saw and keeps the last run", () => {
    const lastRun = {
      operationId: "op",
      at: "2026-11-26T10:00:00.000Z",
      status: "Running",
      created: 0,
    } as const;
    const doc = { ...policy(), lastRun };
    const now = new Date("2026-11-27T00:00:00Z");
    const next = revisePolicy(
      doc,
      admin,
      input({ type: "Shared", evaluatorIds: undefined }),
      1,
      now,
    );
    expect(next).toMatchObject({
      revision: 2,
      type: "Shared",
      lastRun,
      updatedAt: now.toISOString(),
    });
    expect(next).not.toHaveProperty("evaluatorIds");
    expect(() => revisePolicy(doc, admin, input(), "none", now)).toThrow(
      expect.objectContaining({ code: "PRECONDITION_REQUIRED" }),
    );
    expect(() => revisePolicy(doc, admin, input(), 2, now)).toThrow(
      expect.objectContaining({ code: "PRECONDITION_FAILED" }),
    );
  });
});

describe("the periods a run covers", () => {
  it("the timer runs the current period, and during its first 24 hours the previous one too", () => {
    const keys = (at: string, kind: "day" | "week" | "month") =>
      timerPeriods(new Date(at), kind).map((p) => p.key);
    expect(keys("2026-11-23T05:00:00Z", "week")).toEqual(["2026-11-23", "2026-11-16"]);
    expect(keys("2026-11-24T00:00:00Z", "week")).toEqual(["2026-11-23"]);
    expect(keys("2026-12-01T23:00:00Z", "month")).toEqual(["2026-12-01", "2026-11-01"]);
    expect(keys("2026-11-26T10:00:00Z", "day")).toEqual(["2026-11-26", "2026-11-25"]);
  });
});

describe("the pool and the seeded shuffle", () => {
  it("admits free interactions and those held by the run's open slots, never evaluated ones", () => {
    const open = (id: string) => id.startsWith("slot");
    const hold = (sessionId: string) => ({ sessionId, at: "2026-11-26T10:00:00.000Z" });
    expect(inPool({ tags: [], hold: null }, open)).toBe(true);
    expect(inPool({ tags: [], hold: hold("slot-3") }, open)).toBe(true);
    expect(inPool({ tags: [], hold: hold("other") }, open)).toBe(false);
    expect(inPool({ tags: ["Evaluated"], hold: null }, open)).toBe(false);
  });

  const key = (seed: string) => (id: string) => derivedId([seed, id], 16);
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `i${i}` }));

  it("is the same for the same seed and pool, and an added interaction leaves the others' order", () => {
    const pool = items(20);
    const once = shuffled(pool, key("p/2026-11-16/a1")).map((i) => i.id);
    expect(shuffled([...pool].reverse(), key("p/2026-11-16/a1")).map((i) => i.id)).toEqual(once);
    expect(shuffled(pool, key("p/2026-11-16/a2")).map((i) => i.id)).not.toEqual(once);
    const grown = shuffled([...pool, { id: "late" }], key("p/2026-11-16/a1"))
      .map((i) => i.id)
      .filter((id) => id !== "late");
    expect(grown).toEqual(once);
  });

  it("puts each interaction first about equally often over many seeds", () => {
    const pool = items(5);
    const firsts = new Map<string, number>();
    const seeds = 5000;
    for (let s = 0; s < seeds; s++) {
      const first = shuffled(pool, key(`seed-${s}`))[0]?.id ?? "";
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    // Expected 1000 each; a fair draw stays within ±15% with overwhelming probability.
    for (const { id } of pool)
      expect(Math.abs((firsts.get(id) ?? 0) - seeds / 5)).toBeLessThan(150);
  });
});

describe("planning a run", () => {
  it("wants perAgent minus the filled slots (archived ones too) and fills the lowest free slots", () => {
    const plan = planRun(policy(), state({ a1: ["x", "y", "z"], a2: ["u", "v"] }, { a1: [2] }));
    expect(picks(plan)).toEqual(["a1#1:x→alice", "a1#3:y→bob", "a2#1:u→alice", "a2#2:v→bob"]);
    expect(plan.shortfall).toEqual([
      { agentId: "a2", wanted: 3, available: 2, reason: "NO_INTERACTIONS" },
    ]);
  });

  it("adds nothing for an agent whose quota is filled, and reports a named agent with no pool", () => {
    const named = policy({ criteria: { agentIds: ["a1", "a3"] } });
    const plan = planRun(named, state({ a1: ["x"] }, { a1: [1, 2, 3] }));
    expect(plan.sessions).toEqual([]);
    expect(plan.shortfall).toEqual([
      { agentId: "a3", wanted: 3, available: 0, reason: "NO_INTERACTIONS" },
    ]);
  });

  it("never counts more than perAgent even when slots above it were filled before it was lowered", () => {
    const plan = planRun(
      policy({ quota: { perAgent: 2, period: "week" } }),
      state({ a1: ["x", "y"] }, { a1: [3, 5] }),
    );
    expect(plan.sessions).toEqual([]);
  });

  it("gives each session to the evaluator with the fewest open sessions, counting the plan's, ties by id", () => {
    const three = policy({ evaluatorIds: ["carol", "bob", "alice"] });
    const plan = planRun(
      three,
      state({ a1: ["x", "y", "z"], a2: ["u", "v", "w"] }, {}, { alice: 2 }),
    );
    expect(plan.sessions.map((s) => s.evaluatorId)).toEqual([
      "bob",
      "carol",
      "bob",
      "carol",
      "alice",
      "bob",
    ]);
  });

  it("never gives an agent to itself; with only itself listed the agent is short of evaluators", () => {
    const crossed = planRun(
      policy({ evaluatorIds: ["a1", "bob"] }),
      state({ a1: ["x"], bob: ["u"] }),
    );
    expect(picks(crossed)).toEqual(["a1#1:x→bob", "bob#1:u→a1"]);
    const plan = planRun(policy({ evaluatorIds: ["a1"] }), state({ a1: ["x", "y"], a2: ["u"] }));
    expect(picks(plan)).toEqual(["a2#1:u→a1"]);
    expect(plan.shortfall).toEqual([
      { agentId: "a1", wanted: 3, available: 2, reason: "NO_EVALUATOR_AVAILABLE" },
      { agentId: "a2", wanted: 3, available: 1, reason: "NO_INTERACTIONS" },
    ]);
  });

  it("leaves Shared sessions Unassigned", () => {
    const shared = policy({ type: "Shared", evaluatorIds: undefined });
    expect(picks(planRun(shared, state({ a1: ["x"] })))).toEqual(["a1#1:x→null"]);
  });

  it("stops before the agent that would pass the limit", () => {
    const plan = planRun(policy(), state({ a1: ["x", "y", "z"], a2: ["u"] }), 3);
    expect(plan.sessions.map((s) => s.agentId)).toEqual(["a1", "a1", "a1"]);
    expect(MAX_RUN_SESSIONS).toBeGreaterThanOrEqual(200 * 50);
  });
});

describe("operations", () => {
  const now = new Date("2026-11-26T10:00:00Z");
  const op = newRunOperation("op1", "t1", "p1", now.toISOString(), "admin", now);

  it("is stale once a Running run wrote nothing for STALE_RUN_MS", () => {
    expect(isStale(op, new Date(now.getTime() + STALE_RUN_MS - 1))).toBe(false);
    expect(isStale(op, new Date(now.getTime() + STALE_RUN_MS))).toBe(true);
    expect(isStale(finished(op, now, []), new Date(now.getTime() + STALE_RUN_MS))).toBe(false);
  });

  it("shows the newest run on the policy, whatever order runs finish in", () => {
    const older = {
      operationId: "a",
      at: "2026-11-26T10:00:00.000Z",
      status: "Succeeded",
      created: 1,
    } as const;
    const newer = {
      ...older,
      operationId: "b",
      at: "2026-11-26T11:00:00.000Z",
      status: "Running",
    } as const;
    expect(supersedes(newer, older)).toBe(true);
    expect(supersedes(older, newer)).toBe(false);
    expect(supersedes({ ...newer, status: "Succeeded" }, newer)).toBe(true);
    expect(supersedes(older, undefined)).toBe(true);
  });
});
