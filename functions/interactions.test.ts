// Interaction handlers over in-memory adapters: idempotent ingestion by externalId, the search
// filters (agent, inclusive date range, evaluated), roles, tenants and bad input.
import { beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  createSession,
  integration,
  otherTenantAdmin,
  completeWithBestAnswers,
} from "../test/support/scenario.js";

interface InteractionJson {
  id: string;
  externalId: string;
  agentId: string;
  startedAt: string;
  tags: string[];
}
interface PageJson {
  items: InteractionJson[];
  continuationToken: string | null;
}

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});

const call = {
  externalId: "pbx-0001",
  agentId: "agent-1",
  agentName: "Agnes Agent",
  startedAt: "2026-11-20T10:00:00Z",
  durationSeconds: 300,
  channel: "voice",
};

function ingest(body: Record<string, unknown>, as = integration) {
  return app.call<InteractionJson>("interactionsCreate", { as, body });
}

async function search(query: Record<string, string>): Promise<string[]> {
  const res = await app.call<PageJson>("interactionsList", { as: alice, query });
  expect(res.status).toBe(200);
  return res.json.items.map((i) => i.externalId);
}

describe("POST /interactions", () => {
  it("creates once, then answers 200 with the same interaction for the same externalId", async () => {
    const first = await ingest(call);
    expect(first.status).toBe(201);
    expect(first.json).toEqual({
      id: first.json.id,
      externalId: "pbx-0001",
      agentId: "agent-1",
      agentName: "Agnes Agent",
      startedAt: "2026-11-20T10:00:00.000Z",
      durationSeconds: 300,
      channel: "voice",
      hasMedia: false,
      tags: [],
    });
    // A retry from the recorder (even with other details) keeps the first one.
    const again = await ingest({ ...call, durationSeconds: 999 }, admin);
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    expect(again.json).toMatchObject({ durationSeconds: 300 });
    expect(await search({})).toEqual(["pbx-0001"]);
  });

  it("lets Administrators and Integrations ingest, not Evaluators or Agents", async () => {
    expect((await ingest(call, admin)).status).toBe(201);
    expect((await ingest({ ...call, externalId: "e2" }, alice)).status).toBe(403);
    expect((await ingest({ ...call, externalId: "e3" }, agent)).status).toBe(403);
  });

  it.each([
    ["a bad channel", { channel: "fax" }, "channel"],
    ["a negative duration", { durationSeconds: -1 }, "durationSeconds"],
    ["a fractional duration", { durationSeconds: 1.5 }, "durationSeconds"],
    ["a date that is not ISO 8601", { startedAt: "20/11/2026" }, "startedAt"],
    ["an agent id with spaces", { agentId: "agent one" }, "agentId"],
    ["an empty externalId", { externalId: "" }, "externalId"],
    ["media that is not audio or video", { media: { contentType: "text/plain" } }, "media"],
  ])("refuses %s with 400 naming the path", async (_name, patch, path) => {
    const res = await ingest({ ...call, ...patch });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: "VALIDATION_FAILED" });
    const errors = (res.json as unknown as { errors: { path: string }[] }).errors;
    expect(errors.map((e) => e.path).join(" ")).toContain(path);
    expect(await search({})).toEqual([]);
  });
});

describe("GET /interactions", () => {
  beforeEach(async () => {
    const calls: [string, string, string][] = [
      ["c1", "agent-1", "2026-11-01T08:00:00Z"],
      ["c2", "agent-2", "2026-11-02T08:00:00Z"],
      ["c3", "agent-1", "2026-11-03T08:00:00Z"],
      ["c4", "agent-1", "2026-11-04T08:00:00Z"],
      ["c5", "agent-2", "2026-11-05T08:00:00Z"],
    ];
    for (const [externalId, agentId, startedAt] of calls) {
      expect((await ingest({ ...call, externalId, agentId, startedAt })).status).toBe(201);
    }
  });

  it("lists newest first and filters by agent", async () => {
    expect(await search({})).toEqual(["c5", "c4", "c3", "c2", "c1"]);
    expect(await search({ agentId: "agent-1" })).toEqual(["c4", "c3", "c1"]);
    expect(await search({ agentId: "agent-9" })).toEqual([]);
  });

  it("treats from and to as inclusive bounds", async () => {
    expect(await search({ from: "2026-11-02T08:00:00Z", to: "2026-11-04T08:00:00Z" })).toEqual([
      "c4",
      "c3",
      "c2",
    ]);
    expect(await search({ from: "2026-11-04T08:00:00.001Z" })).toEqual(["c5"]);
    expect(await search({ to: "2026-11-01T08:00:00Z", agentId: "agent-1" })).toEqual(["c1"]);
  });

  it("filters by evaluated once a completed session tagged its interaction", async () => {
    const s = await createSession(app);
    const done = await completeWithBestAnswers(app, s);
    expect(done.status).toBe(200);
    await app.deliver();
    const evaluated = await app.call<PageJson>("interactionsList", {
      as: admin,
      query: { evaluated: "true" },
    });
    expect(evaluated.json.items.map((i) => i.id)).toEqual([s.interactionId]);
    expect(evaluated.json.items[0]?.tags).toEqual(["Evaluated"]);
    const open = await search({ evaluated: "false" });
    expect(open).toEqual(["c5", "c4", "c3", "c2", "c1"]);
  });

  it("pages with continuation tokens without losing or repeating an item", async () => {
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const res: { json: PageJson } = await app.call<PageJson>("interactionsList", {
        as: integration,
        query: { limit: "2", ...(token ? { continuationToken: token } : {}) },
      });
      seen.push(...res.json.items.map((i) => i.externalId));
      token = res.json.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual(["c5", "c4", "c3", "c2", "c1"]);
    expect(pages).toBe(3);
  });

  it.each([
    ["limit=0", { limit: "0" }],
    ["limit=201", { limit: "201" }],
    ["limit=abc", { limit: "abc" }],
    ["evaluated=maybe", { evaluated: "maybe" }],
    ["a bad from date", { from: "yesterday" }],
    ["a bad agent id", { agentId: "a b" }],
    ["a tampered continuation token", { continuationToken: "eyJ2IjoxfQ" }],
  ])("answers 400 for %s", async (_name, query) => {
    const res = await app.call("interactionsList", { as: admin, query });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("VALIDATION_FAILED");
  });

  it("reads one interaction; another tenant's or an unknown one is 404; Agents are refused", async () => {
    const [first] = (await app.call<PageJson>("interactionsList", { as: admin })).json.items;
    const id = first!.id;
    expect((await app.call("interactionsGet", { as: alice, params: { id } })).json).toMatchObject({
      externalId: "c5",
    });
    expect(
      (await app.call("interactionsGet", { as: otherTenantAdmin, params: { id } })).status,
    ).toBe(404);
    expect((await app.call("interactionsList", { as: otherTenantAdmin })).json.items).toEqual([]);
    expect((await app.call("interactionsGet", { as: admin, params: { id: "nope" } })).status).toBe(
      404,
    );
    expect((await app.call("interactionsGet", { as: agent, params: { id } })).status).toBe(403);
  });
});
