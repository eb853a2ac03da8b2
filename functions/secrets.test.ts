// Secrets and scores: a scripted day (create, answer, complete with exports and a notification,
// deliver, export again, read as the agent) must leave no export password or bearer token in the
// logs, the console, stored documents, blob names or published events; and an agent must see no
// score anywhere unless one of its action items says showScore.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bestAnswers,
  createSession,
  type SessionSetup,
  saveBestAnswers,
} from "../test/support/scenario.js";

const requestPassword = "Req-Pa55word-7f3c9e";
const tenantPassword = "Tenant-Secret-41d2aa";

/** Every stored document of the tenant, the blobs' names and the published events, as text. */
async function everythingStored(app: TestApp, tenantId: string): Promise<string> {
  const now = app.clock.now().toISOString();
  const page = { limit: 200 };
  const sessions = await app.stores.sessions.list(tenantId, { archived: "all", now }, page);
  const items = await app.stores.actionItems.list(tenantId, {}, page);
  const forms = await app.stores.forms.list(tenantId, page);
  const history = await Promise.all(
    sessions.items.map(async (s) => ({
      entries: await app.stores.history.list(tenantId, s.id, page),
      versions: await app.stores.versions.list(tenantId, s.id),
    })),
  );
  return JSON.stringify({
    sessions: await Promise.all(sessions.items.map((s) => app.stores.sessions.get(tenantId, s.id))),
    history,
    items: items.items,
    forms: forms.items,
    interactions: (await app.stores.interactions.list(tenantId, {}, page)).items,
    blobs: [...app.blobs.exports.entries()].map(([path, blob]) => ({
      path,
      fileName: blob.fileName,
      contentType: blob.contentType,
    })),
    events: app.publisher.published,
  });
}

describe("secrets never leave the request", () => {
  let app: TestApp;
  const consoleLines: string[] = [];
  beforeEach(async () => {
    app = await createTestApp({ settings: { EXPORT_PASSWORD: tenantPassword } });
    consoleLines.length = 0;
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleLines.push(args.map(String).join(" "));
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("keeps export passwords and bearer tokens out of logs, documents, blobs and events", async () => {
    const s = await createSession(app);
    const saved = await saveBestAnswers(app, s);
    // A wrong-length password is refused without being echoed.
    const tooShort = await app.call("sessionsExports", {
      as: alice,
      params: { id: s.sessionId },
      body: { format: "xlsx", password: "Sh0rt!" },
    });
    expect(tooShort.status).toBe(400);
    expect(JSON.stringify(tooShort.json)).not.toContain("Sh0rt!");

    // The broker fails once, so the completion path logs (a warning) and the sweep publishes.
    app.publisher.failures = 1;
    const done = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": saved.headers.etag! },
      body: {
        notifyAgent: {
          dueDate: "2026-12-05T00:00:00Z",
          summary: "See the results",
          showScore: true,
        },
        exports: ["xlsx", "csv"],
        exportPassword: requestPassword,
      },
    });
    expect(done.status).toBe(200);
    expect(done.json.exports).toHaveLength(2);
    // The tenant's password, through the configured setting.
    const byTenantPassword = await app.call("sessionsExports", {
      as: admin,
      params: { id: s.sessionId },
      body: { format: "xlsx" },
    });
    expect(byTenantPassword.status).toBe(201);
    const { sweepOutbox } = await import("../shared/app/outbox.js");
    await sweepOutbox(app.services, {
      warn: (...args: unknown[]) => app.logs.push(args.join(" ")),
    });
    expect((await app.deliver()).failed).toBe(0);
    for (const name of ["sessionsGet", "actionItemsList"] as const) {
      const res = await app.call(name, { as: agent, params: { id: s.sessionId } });
      expect(res.status).toBe(200);
    }
    // A refused token is not logged either.
    const forged = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOiJ0MSJ9.Zm9yZ2VkLXNpZ25hdHVyZQ";
    const refused = await app.call("me", { headers: { authorization: forged } });
    expect(refused.status).toBe(401);

    // The run did export and log something, so the searches below search real output.
    expect(app.blobs.exports.size).toBe(3);
    expect(app.publisher.published.length).toBeGreaterThan(0);
    expect(app.logs.some((line) => line.includes("moving its outbox failed"))).toBe(true);

    const tokens = await Promise.all([admin, alice, agent].map((p) => app.token(p)));
    // Signatures identify a token even if a log line cut it: search for each part separately.
    const secrets = [
      requestPassword,
      tenantPassword,
      forged.slice("Bearer ".length),
      ...tokens.flatMap((t) => t.split(".").slice(1)),
    ];
    const stored = await everythingStored(app, "t1");
    const logs = [...app.logs, ...consoleLines].join("\n");
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    // The xlsx bytes are encrypted; the password is not in them in clear text either.
    for (const blob of app.blobs.exports.values()) {
      const text = Buffer.from(blob.bytes).toString("latin1");
      expect(text).not.toContain(requestPassword);
      expect(text).not.toContain(tenantPassword);
    }
  });
});

// ---------- scores an agent may not see ----------

/** Paths of every score-revealing field in a JSON value. */
function scoreFields(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => scoreFields(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) => [
    ...(["scores", "score", "weight", "autofail", "previousScore"].includes(key)
      ? [`${path}.${key}`]
      : []),
    ...scoreFields(v, `${path}.${key}`),
  ]);
}

async function completedWithItem(app: TestApp, showScore: boolean): Promise<SessionSetup> {
  const s = await createSession(app);
  const saved = await app.call("sessionsAnswers", {
    as: alice,
    params: { id: s.sessionId },
    headers: { "if-match": s.etag },
    // The autofail answer: a score (0, autofailed) that the agent's view must not reveal.
    body: {
      answers: {
        ...bestAnswers(s.formId),
        [s.formId]: { ...bestAnswers(s.formId)[s.formId], verify: { answerIds: ["none"] } },
      },
    },
  });
  const done = await app.call("sessionsComplete", {
    as: alice,
    params: { id: s.sessionId },
    headers: { "if-match": saved.headers.etag! },
    body: { notifyAgent: { dueDate: "2026-12-05T00:00:00Z", summary: "Results", showScore } },
  });
  expect(done.status).toBe(200);
  await app.deliver();
  return s;
}

/** Every endpoint an agent can reach about its session, as JSON. */
async function agentViews(app: TestApp, s: SessionSetup): Promise<Record<string, unknown>> {
  const list = await app.call("actionItemsList", { as: agent });
  const itemId: string = list.json.items[0].id;
  const views = {
    sessionsGet: await app.call("sessionsGet", { as: agent, params: { id: s.sessionId } }),
    sessionsList: await app.call("sessionsList", { as: agent }),
    sessionsListAll: await app.call("sessionsList", { as: agent, query: { archived: "all" } }),
    actionItemsList: list,
    actionItemsGet: await app.call("actionItemsGet", { as: agent, params: { id: itemId } }),
    sessionsMedia: await app.call("sessionsMedia", { as: agent, params: { id: s.sessionId } }),
  };
  const responded = await app.call("actionItemsResponses", {
    as: agent,
    params: { id: itemId },
    headers: { "if-match": views.actionItemsGet.headers.etag! },
    body: { message: "Understood" },
  });
  const closed = await app.call("actionItemsClose", {
    as: agent,
    params: { id: itemId },
    headers: { "if-match": responded.headers.etag! },
  });
  const all = { ...views, actionItemsResponses: responded, actionItemsClose: closed };
  for (const [name, res] of Object.entries(all)) {
    // Media is 404 MEDIA_NOT_FOUND here (none was uploaded); everything else answers.
    if (name !== "sessionsMedia") expect(res.status, name).toBeLessThan(300);
  }
  expect(views.sessionsList.json.items).toHaveLength(1);
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.json]));
}

describe("an agent's scores follow showScore", () => {
  it("without showScore, no endpoint gives the agent scores, answer scores, weights or autofail marks", async () => {
    const app = await createTestApp();
    const s = await completedWithItem(app, false);
    const views = await agentViews(app, s);
    expect(scoreFields(views)).toEqual([]);
    // The evaluator's own view of the same session does carry them (the check can find them).
    const staff = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    expect(scoreFields(staff.json)).toEqual(expect.arrayContaining(["$.scores"]));
  });

  it("with showScore, the agent sees the session's scores, weights and autofail marks", async () => {
    const app = await createTestApp();
    const s = await completedWithItem(app, true);
    const views = await agentViews(app, s);
    const fields = scoreFields(views);
    for (const expected of [
      "$.sessionsGet.scores",
      "$.sessionsList.items[0].score",
      "$.actionItemsGet.score",
      "$.actionItemsList.items[0].score",
    ])
      expect(fields).toContain(expected);
    expect(fields.some((f) => f.startsWith("$.sessionsGet.forms") && f.endsWith(".autofail"))).toBe(
      true,
    );
    expect(fields.some((f) => f.startsWith("$.sessionsGet.forms") && f.endsWith(".weight"))).toBe(
      true,
    );
    const session = views.sessionsGet as {
      scores: { forms: Record<string, { autofailed: boolean }> };
    };
    expect(session.scores.forms[s.formId]?.autofailed).toBe(true);
  });
});
