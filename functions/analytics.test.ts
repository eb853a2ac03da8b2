// The analytics endpoints and their consumer, through the registered handlers over in-memory
// stores: 18 sessions of 3 agents completed through the API, delivered, then read back. The
// p-values were computed independently with SciPy 1.17.1 (scipy.stats.ttest_ind with
// equal_var=False, scipy.stats.false_discovery_control) on the same scores.
import { HttpRequest, InvocationContext } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { rebuildAnalytics, refreshSessionAnalytics } from "../shared/app/analytics.js";
import { registeredFunctions, type HttpFunctionDefinition } from "../shared/registry.js";
import { createTestApp, type TestApp, type TestPrincipal } from "../test/support/harness.js";
import { bucketDifferences, recomputeBuckets, storedBuckets } from "../test/support/analytics.js";
import {
  admin,
  agent,
  alice,
  createForm,
  ingest,
  integration,
  tenant,
} from "../test/support/scenario.js";

type Answer = "yes" | "no";
interface Evaluation {
  sessionId: string;
  etag: string;
}

async function evaluate(
  app: TestApp,
  formId: string,
  agentId: string,
  greet: Answer,
  verify: "full" | "none",
  extra: Record<string, unknown> = {},
): Promise<Evaluation> {
  const interaction = await ingest(app, { agentId });
  const created = await app.call("sessionsCreate", {
    as: admin,
    body: {
      name: `Review of ${agentId}`,
      type: "Distributed",
      formIds: [formId],
      evaluatorId: alice.userId,
      dueDate: "2026-12-01T00:00:00Z",
      interaction: { mode: "manual", interactionId: interaction.id },
      ...extra,
    },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const params = { id: String(created.json.id) };
  const saved = await app.call("sessionsAnswers", {
    as: alice,
    params,
    headers: { "if-match": created.headers.etag ?? "" },
    body: {
      answers: {
        [formId]: {
          greet: { answerIds: [greet] },
          verify: { answerIds: [verify] },
          resolved: { answerIds: ["yes"] },
        },
      },
    },
  });
  const done = await app.call("sessionsComplete", {
    as: alice,
    params,
    headers: { "if-match": saved.headers.etag ?? "" },
    body: {},
  });
  expect(done.status, JSON.stringify(done.json)).toBe(200);
  return { sessionId: params.id, etag: done.headers.etag ?? "" };
}

// greet scores: agent-1 [0,0,0,0,100,0], agent-2 [100×5, 0], agent-3 [100×6];
// verify: agent-2's first is "none" (autofail: its form scores 0).
const plan: [string, Answer[], ("full" | "none")[]][] = [
  ["agent-1", ["no", "no", "no", "no", "yes", "no"], Array(6).fill("full")],
  ["agent-2", ["yes", "yes", "yes", "yes", "yes", "no"], ["none", ...Array(5).fill("full")]],
  ["agent-3", Array(6).fill("yes"), Array(6).fill("full")],
];

let app: TestApp;
let formId: string;
let sessions: Record<string, Evaluation[]>;

beforeEach(async () => {
  app = await createTestApp();
  formId = (await createForm(app)).id;
  sessions = {};
  for (const [agentId, greets, verifies] of plan) {
    sessions[agentId] = [];
    for (const [i, greet] of greets.entries())
      sessions[agentId].push(await evaluate(app, formId, agentId, greet, verifies[i] ?? "full"));
  }
  expect((await app.deliver()).failed).toBe(0);
});

const get = (name: string, query: Record<string, string> = {}, as: TestPrincipal = admin) =>
  app.call(name, { as, query });

const profile = (agentId: string, query: Record<string, string> = {}, as = admin) =>
  app.call("analyticsAgent", { as, params: { agentId }, query });

const buckets = () => storedBuckets(app.stores.analytics, tenant);

/** Where the stored read model differs from one recomputed from every stored session. */
async function driftFromSessions(): Promise<string[]> {
  const page = await app.stores.sessions.list(
    tenant,
    { archived: "all", now: app.clock.now().toISOString() },
    { limit: 200 },
  );
  const docs = await Promise.all(page.items.map((s) => app.stores.sessions.get(tenant, s.id)));
  return bucketDifferences(
    await buckets(),
    recomputeBuckets(docs.flatMap((d) => (d ? [d.doc] : []))),
  );
}

/** |a − b| within 1e-9 of |b|. */
const near = (actual: number | null, expected: number) =>
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected)),
  );

describe("GET /api/analytics/agents/{agentId}", () => {
  it("shows the agent's sessions, scores, autofails and each question against the others", async () => {
    const res = await profile("agent-1");
    expect(res.status).toBe(200);
    const body = res.json;
    expect(body).toMatchObject({
      agentId: "agent-1",
      from: "2026-08-29T00:00:00.000Z",
      to: "2026-11-27T00:00:00.000Z",
      asOf: "2026-11-26T10:00:00.000Z",
      sessions: 6,
      autofailRate: 0,
      forms: [{ formId, name: "Customer care", sessions: 6, autofailRate: 0 }],
    });
    // greet 0 → opening 50 → 0.4·50 + 0.6·100 = 80; greet 100 → 100.
    expect(body.score.n).toBe(6);
    near(body.score.mean, (5 * 80 + 100) / 6);
    near(body.forms[0].mean, (5 * 80 + 100) / 6);
    const greet = body.questions.find((q: { questionId: string }) => q.questionId === "greet");
    expect(greet).toMatchObject({
      formId,
      questionId: "greet",
      text: "Greeted the customer by name?",
      n: 6,
      others: { n: 12 },
    });
    near(greet.mean, 100 / 6);
    near(greet.others.mean, 1100 / 12);
    near(greet.gap, 100 / 6 - 1100 / 12);
    near(greet.pValue, 0.004244864961653763);
    const resolved = body.questions.find(
      (q: { questionId: string }) => q.questionId === "resolved",
    );
    expect(resolved).toMatchObject({ n: 6, mean: 100, others: { n: 12, mean: 100 }, gap: 0 });
    // Both sides all 100: no variance, equal means.
    expect(resolved.pValue).toBe(1);
    expect(body.questions.map((q: { questionId: string }) => q.questionId)).toEqual([
      "greet",
      "resolved",
      "verify",
    ]);
  });

  it("counts an autofailed form in the rate and as a 0 score", async () => {
    const res = await profile("agent-2", { formId });
    expect(res.json).toMatchObject({ sessions: 6, score: { n: 6 } });
    near(res.json.score.mean, (0 + 4 * 100 + 80) / 6);
    near(res.json.autofailRate, 1 / 6);
  });

  it("answers 200 with sessions 0 for an agent with no counted session", async () => {
    const res = await profile("nobody");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      sessions: 0,
      score: { n: 0, mean: null },
      autofailRate: null,
      forms: [],
      questions: [],
    });
  });

  it("leaves out sessions outside the window", async () => {
    const res = await profile("agent-1", { from: "2026-11-27", to: "2026-12-27" });
    expect(res.json.sessions).toBe(0);
    const inside = await profile("agent-1", { from: "2026-11-26T00:00:00Z", to: "2026-11-27" });
    expect(inside.json.sessions).toBe(6);
  });
});

describe("the analytics consumer", () => {
  it("replaces a rescored session's contribution once, whatever is delivered again", async () => {
    // agent-1's fifth session had greet "yes": change it to "no" twice over (two versions).
    const { sessionId, etag } = sessions["agent-1"]?.[4] ?? { sessionId: "", etag: "" };
    const change = async (answer: Answer, ifMatch: string) =>
      app.call("sessionsAnswers", {
        as: alice,
        params: { id: sessionId },
        headers: { "if-match": ifMatch },
        body: { answers: { [formId]: { greet: { answerIds: [answer] } } } },
      });
    const v2 = await change("no", etag);
    expect(v2.status).toBe(200);
    const v3 = await change("yes", v2.headers.etag ?? "");
    const v4 = await change("no", v3.headers.etag ?? "");
    expect(v4.json.scores.session).toBe(80);
    // The bucket holds version 1; the session is at 4: version 1's snapshot says what to take out.
    expect((await app.deliver()).failed).toBe(0);
    const after = await profile("agent-1");
    const greet = after.json.questions.find(
      (q: { questionId: string }) => q.questionId === "greet",
    );
    expect(greet).toMatchObject({ n: 6, mean: 0 });
    near(after.json.score.mean, 80);
    expect(after.json.sessions).toBe(6);
    expect(await driftFromSessions()).toEqual([]);

    // Every event delivered again, newest first: nothing changes.
    const before = await buckets();
    const events = [...app.publisher.published].reverse();
    app.publisher.published.push(...events);
    expect((await app.deliver()).failed).toBe(0);
    expect(await buckets()).toEqual(before);
  });

  it("converges when every session's event is handled at once, racing for the same buckets", async () => {
    await app.stores.analytics.clear(tenant);
    const ids = Object.values(sessions).flatMap((list) => list.map((s) => s.sessionId));
    // Twice each, all at once: writers that lose a race read again and retry.
    const all = [...ids, ...ids].map((id) => refreshSessionAnalytics(app.services, tenant, id));
    const outcomes = await Promise.all(all);
    expect(outcomes.filter((o) => o.outcome === "applied").length).toBeGreaterThanOrEqual(
      ids.length,
    );
    expect(await driftFromSessions()).toEqual([]);
  });

  it("does not count Calibration sessions and keeps counting archived ones", async () => {
    const calibration = await evaluate(app, formId, "agent-1", "yes", "full", {
      type: "Calibration",
      calibrationId: "cal-1",
    });
    const archived = await app.call("sessionsArchive", {
      as: admin,
      body: { ids: [sessions["agent-1"]?.[0]?.sessionId, calibration.sessionId] },
    });
    expect(archived.json.archived).toHaveLength(2);
    expect((await app.deliver()).failed).toBe(0);
    expect((await profile("agent-1")).json.sessions).toBe(6);
  });

  it("is recomputed from the sessions by a rebuild", async () => {
    expect(await driftFromSessions()).toEqual([]);
    // A read model gone wrong: every bucket lost but one, which counts its sessions twice.
    const [kept] = await buckets();
    if (!kept) throw new Error("no bucket");
    await app.stores.analytics.clear(tenant);
    const days = Object.fromEntries(
      Object.entries(kept.days).map(([day, sums]) => [
        day,
        { ...sums, sessions: sums.sessions * 2 },
      ]),
    );
    await app.stores.analytics.put(
      { ...kept, days, tenantId: tenant, kind: "bucket", updatedAt: "2026-11-26T10:00:00.000Z" },
      null,
    );
    expect((await driftFromSessions()).length).toBeGreaterThan(0);
    const result = await rebuildAnalytics(app.services, tenant, { log: () => undefined });
    // 6 buckets (3 agents × (1 form + the sessions)) and the form's catalog.
    expect(result).toEqual({ removed: 1, sessions: 18, buckets: 6 });
    expect(await driftFromSessions()).toEqual([]);
    expect((await profile("agent-1")).json.sessions).toBe(6);
  });
});

describe("GET /api/analytics/skill-gaps", () => {
  it("lists the negative gaps below alpha, with Benjamini–Hochberg q-values over the tests made", async () => {
    const res = await get("analyticsSkillGaps");
    expect(res.status).toBe(200);
    expect(res.json.continuationToken).toBeNull();
    expect(res.json.items).toHaveLength(1);
    const [row] = res.json.items;
    expect(row).toMatchObject({ agentId: "agent-1", formId, questionId: "greet", n: 6 });
    near(row.gap, 100 / 6 - 1100 / 12);
    near(row.pValue, 0.004244864961653763);
    // 9 tests (3 agents × 3 questions with n ≥ 5 on both sides).
    near(row.qValue, 0.03092536489014501);
    const strict = await get("analyticsSkillGaps", { alpha: "0.03", correction: "bh" });
    expect(strict.json.items).toEqual([]);
    const loose = await get("analyticsSkillGaps", { minN: "7" });
    expect(loose.json.items).toEqual([]);
  });

  it("pages by gap, then agent, form and question, and refuses a tampered token", async () => {
    const all = await get("analyticsSkillGaps", { alpha: "1" });
    const rows = all.json.items;
    expect(rows.length).toBeGreaterThan(1);
    const gaps = rows.map((r: { gap: number }) => r.gap);
    expect(gaps).toEqual([...gaps].sort((a, b) => a - b));
    const first = await get("analyticsSkillGaps", { alpha: "1", limit: "1" });
    expect(first.json.items).toEqual(rows.slice(0, 1));
    const second = await get("analyticsSkillGaps", {
      alpha: "1",
      limit: "1",
      continuationToken: first.json.continuationToken,
    });
    expect(second.json.items).toEqual(rows.slice(1, 2));
    const otherQuery = await get("analyticsSkillGaps", {
      alpha: "0.5",
      continuationToken: first.json.continuationToken,
    });
    expect(otherQuery.status).toBe(400);
  });

  it("returns every row as CSV with format=csv, without paging", async () => {
    const rows = (await get("analyticsSkillGaps", { alpha: "1" })).json.items;
    // The harness reads JSON; the CSV is read off the handler's response as it is.
    const fn = registeredFunctions().find(
      (f): f is HttpFunctionDefinition => f.kind === "http" && f.name === "analyticsSkillGaps",
    );
    const response = await fn?.handler(
      new HttpRequest({
        method: "GET",
        url: "http://localhost/api/analytics/skill-gaps?format=csv&alpha=1&limit=1",
        headers: { authorization: `Bearer ${await app.token(alice)}` },
      }),
      new InvocationContext({ functionName: "analyticsSkillGaps" }),
    );
    expect(response?.status).toBe(200);
    expect(new Headers(response?.headers).get("content-type")).toBe("text/csv; charset=utf-8");
    const body = response?.body;
    const lines = (typeof body === "string" ? body : "").split("\r\n");
    expect(lines[0]).toBe("agentId,formId,questionId,text,n,mean,othersN,othersMean,gap,pValue");
    expect(lines).toHaveLength(rows.length + 2);
    expect(lines.at(-1)).toBe("");
    const first = rows[0];
    expect(lines[1]).toBe(
      [
        first.agentId,
        first.formId,
        first.questionId,
        first.text,
        first.n,
        first.mean,
        first.others.n,
        first.others.mean,
        first.gap,
        first.pValue,
      ].join(","),
    );
  });
});

describe("GET /api/analytics/trend", () => {
  it("buckets session scores by UTC day, Monday-week and month", async () => {
    const sum = 5 * 80 + 100 + (0 + 4 * 100 + 80) + 6 * 100;
    for (const [granularity, start] of [
      ["day", "2026-11-26T00:00:00.000Z"],
      ["week", "2026-11-23T00:00:00.000Z"],
      ["month", "2026-11-01T00:00:00.000Z"],
    ]) {
      const res = await get("analyticsTrend", { granularity: granularity ?? "" });
      expect(res.status).toBe(200);
      expect(res.json.buckets).toHaveLength(1);
      expect(res.json.buckets[0]).toMatchObject({ start, sessions: 18 });
      near(res.json.buckets[0].mean, sum / 18);
    }
    const one = await get("analyticsTrend", { agentId: "agent-3", formId });
    expect(one.json.buckets).toEqual([
      { start: "2026-11-26T00:00:00.000Z", sessions: 6, mean: 100 },
    ]);
    // A week bucket counts only the days inside the window.
    const cut = await get("analyticsTrend", {
      granularity: "week",
      from: "2026-11-27",
      to: "2026-12-01",
    });
    expect(cut.json.buckets).toEqual([]);
  });
});

describe("bad input and access", () => {
  it.each([
    ["a window over 400 days", { from: "2025-01-01", to: "2026-02-06" }, "query.to"],
    ["from equal to to", { from: "2026-11-01", to: "2026-11-01" }, "query.from"],
    ["from after to", { from: "2026-11-02", to: "2026-11-01" }, "query.from"],
    ["a time that is not midnight", { from: "2026-11-01T10:00:00Z" }, "query.from"],
    ["a date that does not exist", { to: "2026-02-30" }, "query.to"],
    ["an unknown form", { formId: "no-such-form" }, "query.formId"],
  ])("refuses %s with 400 on every read", async (_what, query, path) => {
    for (const name of ["analyticsAgent", "analyticsSkillGaps", "analyticsTrend"]) {
      const res =
        name === "analyticsAgent" ? await profile("agent-1", query) : await get(name, query);
      expect(res.status, name).toBe(400);
      expect(res.json.code).toBe("VALIDATION_FAILED");
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it("takes a window of exactly 400 days", async () => {
    const res = await profile("agent-1", { from: "2025-10-22", to: "2026-11-26" });
    expect(res.status).toBe(200);
  });

  it("refuses Agents and Integrations with 403, and shows Evaluators", async () => {
    expect((await profile("agent-1", {}, agent)).status).toBe(403);
    expect((await get("analyticsSkillGaps", {}, integration)).status).toBe(403);
    expect((await get("analyticsTrend", {}, alice)).status).toBe(200);
    const me = await app.call("me", { as: agent });
    expect(me.json.can.viewAnalytics).toBe(false);
    expect((await app.call("me", { as: alice })).json.can.viewAnalytics).toBe(true);
  });
});
