// F3: holding an interaction is atomic. Creations, replacements and archives race over real
// HTTP against the local host (cosmosdb-server): however many ask for one interaction at once,
// exactly one session holds it and the others get the answer they would get had they come
// second.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { customerCare } from "./support/domain-fixtures.js";
import { callerWith, tokenFor, type ApiResponse } from "./support/http.js";

const tenantId = `holds-${randomUUID().slice(0, 8)}`;
const tokens = new Map<"admin" | "alice", string>();
const call = callerWith(tokens);
let formId = "";
const RACERS = 6;

beforeAll(async () => {
  tokens.set("admin", await tokenFor({ tenantId, userId: "admin-1", roles: ["QM.Administrator"] }));
  tokens.set("alice", await tokenFor({ tenantId, userId: "alice", roles: ["QM.Evaluator"] }));
  formId = (await call<{ id: string }>("admin", "POST", "forms", customerCare)).json.id;
});

async function ingest(agentId: string, startedAt: string): Promise<string> {
  const res = await call<{ id: string }>("admin", "POST", "interactions", {
    externalId: `${agentId}-${startedAt}-${randomUUID().slice(0, 6)}`,
    agentId,
    startedAt,
    durationSeconds: 60,
    channel: "voice",
  });
  expect(res.status).toBe(201);
  return res.json.id;
}

const create = (interaction: unknown) =>
  call<{ id: string; interaction: { id: string }; status: string }>("admin", "POST", "sessions", {
    name: "Race",
    type: "Distributed",
    formIds: [formId],
    evaluatorId: "alice",
    dueDate: "2030-01-01T00:00:00Z",
    interaction,
  });

const statuses = (responses: ApiResponse[]) =>
  responses.map((r) => `${r.status} ${(r.json as { code?: string }).code ?? ""}`.trim()).sort();

describe("F3 atomic holds", () => {
  it("F3: concurrent criteria creations take one interaction once", async () => {
    const agentId = `agent-${randomUUID().slice(0, 8)}`;
    await ingest(agentId, "2026-11-01T10:00:00.000Z");
    const results = await Promise.all(
      Array.from({ length: RACERS }, () => create({ mode: "criteria", criteria: { agentId } })),
    );
    expect(statuses(results)).toEqual([
      "201",
      ...Array.from({ length: RACERS - 1 }, () => "409 NO_MATCHING_INTERACTION"),
    ]);
  });

  it("F3: concurrent criteria creations over a pool take distinct interactions", async () => {
    const agentId = `agent-${randomUUID().slice(0, 8)}`;
    for (let day = 1; day <= 3; day++) await ingest(agentId, `2026-11-0${day}T10:00:00.000Z`);
    const results = await Promise.all(
      Array.from({ length: RACERS }, () => create({ mode: "criteria", criteria: { agentId } })),
    );
    const taken = results.filter((r) => r.status === 201).map((r) => r.json.interaction.id);
    expect(taken).toHaveLength(3);
    expect(new Set(taken).size).toBe(3);
  });

  it("F3: concurrent manual creations of one interaction: one 201, the rest INTERACTION_IN_USE", async () => {
    const id = await ingest(`agent-${randomUUID().slice(0, 8)}`, "2026-11-01T10:00:00.000Z");
    const results = await Promise.all(
      Array.from({ length: RACERS }, () => create({ mode: "manual", interactionId: id })),
    );
    expect(statuses(results)).toEqual([
      "201",
      ...Array.from({ length: RACERS - 1 }, () => "409 INTERACTION_IN_USE"),
    ]);
  });

  it("F3: a replacement racing creations for the one free interaction: one of them gets it", async () => {
    const agentId = `agent-${randomUUID().slice(0, 8)}`;
    await ingest(agentId, "2026-11-01T10:00:00.000Z");
    const first = await create({ mode: "criteria", criteria: { agentId } });
    expect(first.status).toBe(201);
    const spare = await ingest(agentId, "2026-11-02T10:00:00.000Z");
    const read = await call("alice", "GET", `sessions/${first.json.id}`);
    const [replaced, ...created] = await Promise.all([
      call<{ interaction: { id: string } }>(
        "alice",
        "POST",
        `sessions/${first.json.id}/replace-interaction`,
        { interactionId: spare },
        read.headers.get("etag") ?? "",
      ),
      ...Array.from({ length: RACERS - 1 }, () => create({ mode: "manual", interactionId: spare })),
    ]);
    const winners = [replaced, ...created].filter((r) => r.status === 200 || r.status === 201);
    expect(winners).toHaveLength(1);
    // The replacement that lost is 422 (not eligible); creations that lost are 409 in use.
    if (replaced.status !== 200) expect(replaced.status).toBe(422);
    for (const loser of created.filter((r) => r.status !== 201)) {
      expect(statuses([loser])).toEqual(["409 INTERACTION_IN_USE"]);
    }
  });

  it("F3: an archived unevaluated session gives its interaction back", async () => {
    const id = await ingest(`agent-${randomUUID().slice(0, 8)}`, "2026-11-01T10:00:00.000Z");
    const session = await call<{ id: string }>("admin", "POST", "sessions", {
      name: "Expired",
      type: "Distributed",
      formIds: [formId],
      evaluatorId: "alice",
      dueDate: "2020-01-01T00:00:00Z",
      interaction: { mode: "manual", interactionId: id },
    });
    expect(session.status).toBe(201);
    expect(statuses([await create({ mode: "manual", interactionId: id })])).toEqual([
      "409 INTERACTION_IN_USE",
    ]);
    const archived = await call("admin", "POST", "sessions/archive", { ids: [session.json.id] });
    expect(archived.json).toMatchObject({ archived: [session.json.id] });
    expect((await create({ mode: "manual", interactionId: id })).status).toBe(201);
  });
});
