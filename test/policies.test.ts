// Policy runs over real HTTP against the local host (cosmosdb-server): runs answer 202 and go
// on after the response, so concurrent runs and criteria creations really interleave their
// Cosmos calls. However they race, no agent gets more than its quota, no interaction is in two
// sessions, and the runs' results account for every session they made.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { customerCare } from "./support/domain-fixtures.js";
import { callerWith, tokenFor } from "./support/http.js";

const tenantId = `policies-${randomUUID().slice(0, 8)}`;
const tokens = new Map<"admin", string>();
const call = callerWith(tokens);
let formId = "";

beforeAll(async () => {
  tokens.set("admin", await tokenFor({ tenantId, userId: "admin-1", roles: ["QM.Administrator"] }));
  formId = (await call<{ id: string }>("admin", "POST", "forms", customerCare)).json.id;
});

interface Operation {
  id: string;
  status: string;
  progress: { done: number; total: number };
  result?: { created: string[]; shortfall: { agentId: string }[] };
}

/** Polls the operation until it is no longer Running. */
async function finished(operationId: string): Promise<Operation> {
  for (let i = 0; i < 300; i++) {
    const res = await call<Operation>("admin", "GET", `operations/${operationId}`);
    expect(res.status).toBe(200);
    if (res.json.status !== "Running") return res.json;
    await sleep(100);
  }
  throw new Error(`operation ${operationId} still Running`);
}

async function ingest(agentId: string, startedAt: string): Promise<void> {
  const res = await call("admin", "POST", "interactions", {
    externalId: `${agentId}-${startedAt}-${randomUUID().slice(0, 6)}`,
    agentId,
    startedAt,
    durationSeconds: 120,
    channel: "voice",
  });
  expect(res.status).toBe(201);
}

interface Summary {
  id: string;
  agentId: string;
  interaction: { id: string };
}

async function grid(query: string): Promise<Summary[]> {
  const res = await call<{ items: Summary[] }>(
    "admin",
    "GET",
    `sessions?archived=all&limit=200&${query}`,
  );
  expect(res.status).toBe(200);
  return res.json.items;
}

describe("policy runs over HTTP (cosmosdb-server)", () => {
  it("two runs at once, racing criteria creations, never exceed a quota or share an interaction", async () => {
    const agents = Array.from({ length: 6 }, (_, i) => `agent-${i}-${randomUUID().slice(0, 6)}`);
    for (const agentId of agents)
      for (let day = 16; day < 20; day++) await ingest(agentId, `2026-11-${day}T10:00:00.000Z`);
    const policy = await call<{ id: string }>("admin", "POST", "policies", {
      name: "Race",
      type: "Distributed",
      formIds: [formId],
      criteria: { agentIds: agents },
      quota: { perAgent: 3, period: "week" },
      evaluatorIds: ["e1", "e2", "e3"],
      dueInDays: 7,
    });
    expect(policy.status).toBe(201);
    const run = () =>
      call<{ operationId: string }>("admin", "POST", `policies/${policy.json.id}/run`, {
        periodStart: "2026-11-18T00:00:00Z",
      });
    const createByCriteria = (agentId: string) =>
      call("admin", "POST", "sessions", {
        name: "By criteria",
        type: "Distributed",
        formIds: [formId],
        evaluatorId: "e4",
        dueDate: "2030-01-01T00:00:00Z",
        interaction: { mode: "criteria", criteria: { agentId } },
      });
    const [first, second, ...created] = await Promise.all([
      run(),
      run(),
      ...agents.slice(0, 3).map(createByCriteria),
    ]);
    expect([first?.status, second?.status]).toEqual([202, 202]);
    expect(first?.headers.get("location")).toBe(`/api/operations/${first?.json.operationId}`);
    const ops = [await finished(first.json.operationId), await finished(second.json.operationId)];
    expect(ops.map((op) => op.status)).toEqual(["Succeeded", "Succeeded"]);

    const mine = await grid(`policyId=${policy.json.id}`);
    const counts = new Map<string, number>();
    for (const s of mine) counts.set(s.agentId, (counts.get(s.agentId) ?? 0) + 1);
    for (const agentId of agents) expect(counts.get(agentId) ?? 0).toBeLessThanOrEqual(3);
    // 4 interactions each: only the agents a criteria creation took one from may be short.
    for (const agentId of agents.slice(3)) expect(counts.get(agentId)).toBe(3);
    const byCriteria = created.filter((r) => r.status === 201).length;
    expect(mine.length + byCriteria).toBeGreaterThanOrEqual(agents.length * 3);

    const everything = [...mine, ...(await grid("")).filter((s) => agents.includes(s.agentId))];
    const taken = new Map<string, string>();
    for (const s of everything) {
      const holder = taken.get(s.interaction.id);
      if (holder && holder !== s.id)
        throw new Error(`${s.interaction.id} is in ${holder} and ${s.id}`);
      taken.set(s.interaction.id, s.id);
    }
    const reported = ops.flatMap((op) => op.result?.created ?? []);
    expect(new Set(reported).size).toBe(reported.length);
    expect([...reported].sort()).toEqual(mine.map((s) => s.id).sort());
  });

  it("a dry run predicts the run, and a rerun finds nothing left to do", async () => {
    const agentId = `agent-${randomUUID().slice(0, 8)}`;
    for (let day = 2; day < 7; day++) await ingest(agentId, `2026-11-0${day}T10:00:00.000Z`);
    const policy = await call<{ id: string }>("admin", "POST", "policies", {
      name: "Predictable",
      type: "Shared",
      formIds: [formId],
      criteria: { agentIds: [agentId] },
      quota: { perAgent: 2, period: "month" },
      dueInDays: 30,
    });
    const path = `policies/${policy.json.id}/run`;
    const dry = await call<{ planned: { interactionId: string }[] }>("admin", "POST", path, {
      periodStart: "2026-11-05T00:00:00Z",
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    const op = await finished(
      (await call("admin", "POST", path, { periodStart: "2026-11-05T00:00:00Z" })).json.operationId,
    );
    const made = await grid(`policyId=${policy.json.id}`);
    expect(made.map((s) => s.interaction.id).sort()).toEqual(
      dry.json.planned.map((p) => p.interactionId).sort(),
    );
    expect(op.result?.created).toHaveLength(2);
    const again = await finished(
      (await call("admin", "POST", path, { periodStart: "2026-11-20T00:00:00Z" })).json.operationId,
    );
    expect(again.result).toEqual({ created: [], shortfall: [] });
    const listed = await call<{ items: Operation[] }>(
      "admin",
      "GET",
      `operations?policyId=${policy.json.id}`,
    );
    expect(listed.json.items.map((o) => o.id)).toEqual([again.id, op.id]);
  });
});
