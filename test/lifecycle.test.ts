// The whole session lifecycle over real HTTP against the local host (cosmosdb-server, the
// in-process topic): forms, ingestion, every session type, claim, save, complete, edit after
// completion, replace, default scores and archive, with docs/scoring.md's examples end to end.
// One random tenant per file, so other test files never see this data.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../shared/domain/access.js";
import { seedDemoData, seedDemoDataSafely } from "../dev/seed.js";
import {
  api,
  baseUrl,
  callerWith,
  expectProblem,
  tokenFor,
  type ApiResponse,
} from "./support/http.js";

const tenantId = `life-${randomUUID().slice(0, 8)}`;
const FUTURE = "2030-06-01T00:00:00.000Z";
const PAST = "2020-01-01T00:00:00.000Z";

const people = {
  admin: ["admin-1", ["QM.Administrator"]],
  alice: ["alice", ["QM.Evaluator"]],
  bob: ["bob", ["QM.Evaluator"]],
  carol: ["carol", ["QM.Evaluator"]],
  keeper: ["keeper", ["QM.Archive"]],
  ingest: ["ingest", ["QM.Integration"]],
} as const satisfies Record<string, readonly [string, readonly Role[]]>;
type Person = keyof typeof people;
const tokens = new Map<Person, string>();
const call = callerWith(tokens);

/** docs/scoring.md's forms, created in this tenant: doc id → server id. */
const formIds = new Map<string, string>();

interface Example {
  title: string;
  forms: string[];
  copies?: Record<string, string>;
  answers: Record<string, Record<string, unknown>>;
  expected: {
    session: number | null;
    forms: Record<
      string,
      { score: number | null; autofailed: boolean; groups: Record<string, number | null> }
    >;
  };
}

/** The fenced `json <kind>` blocks of docs/scoring.md, with the heading above each. */
function docBlocks(kind: string): { title: string; json: unknown }[] {
  const doc = readFileSync(new URL("../docs/scoring.md", import.meta.url), "utf8");
  const found: { title: string; json: unknown }[] = [];
  for (const match of doc.matchAll(/^```json ([a-z-]+)\n([\s\S]*?)^```$/gm)) {
    if (match[1] !== kind) continue;
    const before = doc.slice(0, match.index);
    const heading = before.slice(before.lastIndexOf("\n## ") + 4).split("\n")[0] ?? "";
    found.push({ title: heading, json: JSON.parse(match[2] ?? "null") });
  }
  return found;
}

let externalCounter = 0;
async function ingest(agentId: string, startedAt = "2026-11-20T10:00:00.000Z"): Promise<string> {
  const res = await call("ingest", "POST", "interactions", {
    externalId: `${tenantId}-call-${++externalCounter}`,
    agentId,
    startedAt,
    durationSeconds: 240,
    channel: "voice",
  });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

interface SessionBody {
  type?: string;
  evaluatorId?: string;
  calibrationId?: string;
  dueDate?: string;
  formIds?: string[];
  interaction: { mode: "manual"; interactionId: string } | { mode: "criteria"; criteria: object };
}

function createSession(body: SessionBody, as: Person = "admin"): Promise<ApiResponse<any>> {
  return call(as, "POST", "sessions", {
    name: "Lifecycle",
    type: "Distributed",
    evaluatorId: "alice",
    dueDate: FUTURE,
    formIds: [formIds.get("care")!],
    ...body,
  });
}

async function manualSession(agentId: string, extra: Partial<SessionBody> = {}) {
  const res = await createSession({
    interaction: { mode: "manual", interactionId: await ingest(agentId) },
    ...extra,
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { id: res.json.id as string, etag: res.headers.get("etag")!, json: res.json };
}

const answersPath = (id: string) => `sessions/${id}/answers`;
const care = () => formIds.get("care")!;
const best = () => ({
  [care()]: {
    greet: { answerIds: ["yes"] },
    verify: { answerIds: ["full"] },
    resolved: { answerIds: ["yes"] },
  },
});

async function completedSession(agentId: string): Promise<{ id: string; etag: string }> {
  const s = await manualSession(agentId);
  const saved = await call("alice", "PUT", answersPath(s.id), { answers: best() }, s.etag);
  expect(saved.status).toBe(200);
  const done = await call(
    "alice",
    "POST",
    `sessions/${s.id}/complete`,
    {},
    saved.headers.get("etag")!,
  );
  expect(done.status).toBe(200);
  return { id: s.id, etag: done.headers.get("etag")! };
}

/** Polls until `check` passes: effects of the topic arrive shortly after the response. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("the expected effect did not happen in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const round2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

beforeAll(async () => {
  for (const [person, [userId, roles]] of Object.entries(people) as [
    Person,
    (typeof people)[Person],
  ][]) {
    tokens.set(person, await tokenFor({ tenantId, userId, roles }));
  }
  const definitions = new Map<string, unknown>();
  for (const { json } of docBlocks("scoring-form")) {
    const { id, ...form } = json as { id: string };
    definitions.set(id, form);
  }
  for (const example of docBlocks("scoring-example")) {
    for (const [copy, original] of Object.entries((example.json as Example).copies ?? {}))
      definitions.set(copy, definitions.get(original));
  }
  for (const [docId, form] of definitions) {
    const res = await call("admin", "POST", "forms", form);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    formIds.set(docId, res.json.id as string);
  }
});

describe("docs/scoring.md's worked examples, scored by the service", () => {
  const examples = docBlocks("scoring-example").map(({ title, json }) => ({
    ...(json as Example),
    title,
  }));

  it("finds the examples in the doc", () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  it.each(examples.map((e) => [e.title, e] as const))("%s", async (_title, example) => {
    const serverId = (docId: string) => formIds.get(docId)!;
    const s = await manualSession(`agent-doc-${randomUUID().slice(0, 6)}`, {
      formIds: example.forms.map(serverId),
    });
    const answers = Object.fromEntries(
      Object.entries(example.answers).map(([docId, a]) => [serverId(docId), a]),
    );
    const saved = await call("alice", "PUT", answersPath(s.id), { answers }, s.etag);
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    expect(round2(saved.json.scores.session)).toBe(example.expected.session);
    for (const [docId, expected] of Object.entries(example.expected.forms)) {
      const got = saved.json.scores.forms[serverId(docId)];
      expect(round2(got.score)).toBe(expected.score);
      expect(got.autofailed).toBe(expected.autofailed);
      const groups = Object.fromEntries(
        Object.entries(got.groups as Record<string, number | null>).map(([g, v]) => [g, round2(v)]),
      );
      expect(groups).toEqual(expected.groups);
    }
  });
});

describe("a Distributed session from manual pick to rescoring", () => {
  it("saves, refuses to complete with the missing questions, completes, tags the interaction and rescores", async () => {
    const agentId = "agent-dist";
    const interactionId = await ingest(agentId);
    const created = await createSession({ interaction: { mode: "manual", interactionId } });
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toBe('"1"');
    expect(created.json).toMatchObject({
      status: "Pending",
      type: "Distributed",
      source: "manual",
      evaluatorId: "alice",
      agentId,
      archived: false,
      createdBy: "admin-1",
    });
    expect(created.json.forms[0]).toMatchObject({ formId: care(), version: 1 });
    const id = created.json.id as string;

    // docs/scoring.md example 1: greet Yes, verify N/A, resolved No → 40.
    const partial = await call(
      "alice",
      "PUT",
      answersPath(id),
      { answers: { [care()]: { greet: { answerIds: ["yes"] }, verify: { na: true } } } },
      created.headers.get("etag")!,
    );
    expect(partial.status).toBe(200);
    expect(partial.json.status).toBe("InProgress");
    expect(partial.json.missingRequired).toEqual([{ formId: care(), questionId: "resolved" }]);
    const early = await call(
      "alice",
      "POST",
      `sessions/${id}/complete`,
      {},
      partial.headers.get("etag")!,
    );
    expectProblem(early, 422, "REQUIRED_QUESTIONS_UNANSWERED");
    expect(early.json.errors).toEqual([
      { path: `answers.${care()}.resolved`, message: expect.any(String) },
    ]);

    const saved = await call(
      "alice",
      "PUT",
      answersPath(id),
      { answers: { [care()]: { resolved: { answerIds: ["no"] } } } },
      partial.headers.get("etag")!,
    );
    expect(saved.json.scores).toEqual({
      session: 40,
      forms: { [care()]: { score: 40, autofailed: false, groups: { opening: 100, close: 0 } } },
    });
    const done = await call(
      "alice",
      "POST",
      `sessions/${id}/complete`,
      { notifyAgent: { dueDate: FUTURE, summary: "Resolve it next time", showScore: true } },
      saved.headers.get("etag")!,
    );
    expect(done.status).toBe(200);
    expect(done.json.session).toMatchObject({ status: "Completed", completedBy: "alice" });
    expect(done.json.exports).toEqual([]);
    let etag = done.headers.get("etag")!;

    await eventually(async () => {
      const interaction = await call("admin", "GET", `interactions/${interactionId}`);
      return (interaction.json.tags as string[]).includes("Evaluated");
    });
    expectProblem(
      await createSession({ interaction: { mode: "manual", interactionId } }),
      409,
      "INTERACTION_ALREADY_EVALUATED",
    );

    // Editing after completion rescores it...
    const rescored = await call(
      "alice",
      "PUT",
      answersPath(id),
      { answers: { [care()]: { resolved: { answerIds: ["yes"] } } } },
      etag,
    );
    expect(rescored.status).toBe(200);
    expect(rescored.json).toMatchObject({ status: "Completed", scores: { session: 100 } });
    etag = rescored.headers.get("etag")!;
    // ...but never leaves a required question unanswered.
    const unanswer = await call(
      "alice",
      "PUT",
      answersPath(id),
      { answers: { [care()]: { greet: null } } },
      etag,
    );
    expectProblem(unanswer, 422, "REQUIRED_QUESTIONS_UNANSWERED");
    expect(unanswer.json.errors[0].path).toBe(`answers.${care()}.greet`);
    const read = await call("alice", "GET", `sessions/${id}`);
    expect(read.headers.get("etag")).toBe(etag);
    expect(read.json.scores.session).toBe(100);
    expect(read.json.answers[care()].greet).toEqual({ answerIds: ["yes"] });
    expect((await call("alice", "POST", `sessions/${id}/complete`, {}, etag)).json.code).toBe(
      "ALREADY_COMPLETED",
    );
  });

  it("lets exactly one of two concurrent writers with the same ETag win; the other gets 412", async () => {
    const s = await manualSession("agent-race");
    const [a, b] = await Promise.all([
      call(
        "alice",
        "PUT",
        answersPath(s.id),
        { answers: { [care()]: { greet: { answerIds: ["yes"] } } } },
        s.etag,
      ),
      call(
        "admin",
        "PUT",
        answersPath(s.id),
        { answers: { [care()]: { greet: { answerIds: ["no"] } } } },
        s.etag,
      ),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? "yes" : "no";
    const read = await call("admin", "GET", `sessions/${s.id}`);
    expect(read.json.answers[care()].greet).toEqual({ answerIds: [winner] });
    expect(read.headers.get("etag")).toBe('"2"');
  });
});

describe("session types", () => {
  it("Shared: starts Unassigned, NOT_ASSIGNED until claimed, then the claimer's alone", async () => {
    const created = await createSession({
      type: "Shared",
      evaluatorId: undefined,
      interaction: { mode: "manual", interactionId: await ingest("agent-shared") },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: "Unassigned", evaluatorId: null });
    const id = created.json.id as string;
    let etag = created.headers.get("etag")!;
    expectProblem(
      await call("alice", "PUT", answersPath(id), { answers: best() }, etag),
      409,
      "NOT_ASSIGNED",
    );
    const claimed = await call("bob", "POST", `sessions/${id}/assign`, {}, etag);
    expect(claimed.status).toBe(200);
    expect(claimed.json).toMatchObject({ status: "Pending", evaluatorId: "bob" });
    etag = claimed.headers.get("etag")!;
    expectProblem(
      await call("bob", "POST", `sessions/${id}/assign`, {}, etag),
      409,
      "ALREADY_ASSIGNED",
    );
    expectProblem(await call("alice", "POST", `sessions/${id}/assign`, {}, etag), 404, "NOT_FOUND");
    const saved = await call("bob", "PUT", answersPath(id), { answers: best() }, etag);
    expect(saved.json).toMatchObject({ status: "InProgress", scores: { session: 100 } });
  });

  it("Calibration: two evaluators share one interaction; a second one for the same evaluator is CALIBRATION_DUPLICATE", async () => {
    const interactionId = await ingest("agent-cal");
    const calibrationId = `cal-${randomUUID().slice(0, 6)}`;
    const interaction = { mode: "manual" as const, interactionId };
    const forAlice = await createSession({ type: "Calibration", calibrationId, interaction });
    const forBob = await createSession({
      type: "Calibration",
      calibrationId,
      evaluatorId: "bob",
      interaction,
    });
    expect([forAlice.status, forBob.status]).toEqual([201, 201]);
    expect(forBob.json).toMatchObject({ calibrationId, interaction: { id: interactionId } });

    const duplicate = await createSession({
      type: "Calibration",
      calibrationId,
      interaction: { mode: "manual", interactionId: await ingest("agent-cal") },
    });
    expectProblem(duplicate, 409, "CALIBRATION_DUPLICATE");
    // Outside the calibration the interaction is held.
    expectProblem(
      await createSession({ evaluatorId: "carol", interaction }),
      409,
      "INTERACTION_IN_USE",
    );
    expectProblem(
      await createSession({
        type: "Calibration",
        calibrationId: `${calibrationId}-other`,
        evaluatorId: "carol",
        interaction,
      }),
      409,
      "INTERACTION_IN_USE",
    );
    const grid = await call("admin", "GET", `sessions?calibrationId=${calibrationId}`);
    expect((grid.json.items as { id: string }[]).map((i) => i.id).sort()).toEqual(
      [forAlice.json.id, forBob.json.id].sort(),
    );
  });

  it("AdHoc: an Evaluator creates one for itself, not for someone else nor another type", async () => {
    const own = await createSession(
      {
        type: "AdHoc",
        interaction: { mode: "manual", interactionId: await ingest("agent-adhoc") },
      },
      "alice",
    );
    expect(own.status).toBe(201);
    expect(own.json).toMatchObject({ type: "AdHoc", evaluatorId: "alice", createdBy: "alice" });
    const interactionId = await ingest("agent-adhoc");
    expectProblem(
      await createSession(
        { type: "AdHoc", evaluatorId: "bob", interaction: { mode: "manual", interactionId } },
        "alice",
      ),
      403,
      "FORBIDDEN",
    );
    expectProblem(
      await createSession({ interaction: { mode: "manual", interactionId } }, "alice"),
      403,
      "FORBIDDEN",
    );
  });

  it("criteria: picks the earliest eligible interaction, replaces within the criteria, then runs out", async () => {
    const agentId = `agent-crit-${randomUUID().slice(0, 6)}`;
    // Ingested out of order: the pick follows startedAt, not insertion.
    const second = await ingest(agentId, "2026-11-02T09:00:00.000Z");
    const first = await ingest(agentId, "2026-11-01T09:00:00.000Z");
    const third = await ingest(agentId, "2026-11-03T09:00:00.000Z");
    await ingest("someone-else", "2026-10-01T09:00:00.000Z");
    const criteria = { mode: "criteria" as const, criteria: { agentId, channel: "voice" } };

    const a = await createSession({ interaction: criteria });
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ source: "criteria", interaction: { id: first }, agentId });
    const b = await createSession({ interaction: criteria, evaluatorId: "bob" });
    expect(b.json.interaction.id).toBe(second);

    const saved = await call(
      "alice",
      "PUT",
      answersPath(a.json.id),
      { answers: best() },
      a.headers.get("etag")!,
    );
    const replaced = await call(
      "alice",
      "POST",
      `sessions/${a.json.id}/replace-interaction`,
      {},
      saved.headers.get("etag")!,
    );
    expect(replaced.status).toBe(200);
    expect(replaced.json.interaction.id).toBe(third);
    expect(replaced.json.answers).toEqual({});
    expect(replaced.json.scores.session).toBeNull();

    // The replaced interaction is eligible again.
    const c = await createSession({ interaction: criteria, evaluatorId: "carol" });
    expect(c.json.interaction.id).toBe(first);
    expectProblem(await createSession({ interaction: criteria }), 409, "NO_MATCHING_INTERACTION");

    const manual = await manualSession(agentId);
    expectProblem(
      await call("alice", "POST", `sessions/${manual.id}/replace-interaction`, {}, manual.etag),
      409,
      "REPLACE_NOT_ALLOWED",
    );
  });

  it("INTERACTION_IN_USE for a manual pick of an interaction an open session holds", async () => {
    const interactionId = await ingest("agent-held");
    expect((await createSession({ interaction: { mode: "manual", interactionId } })).status).toBe(
      201,
    );
    expectProblem(
      await createSession({ evaluatorId: "bob", interaction: { mode: "manual", interactionId } }),
      409,
      "INTERACTION_IN_USE",
    );
  });
});

describe("due dates, feature flag and archive", () => {
  it("a past due date creates an Expired session: saving works, completing is DUE_DATE_PASSED", async () => {
    const s = await manualSession("agent-late", { dueDate: PAST });
    expect(s.json.status).toBe("Expired");
    const saved = await call("alice", "PUT", answersPath(s.id), { answers: best() }, s.etag);
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ status: "Expired", missingRequired: [] });
    expectProblem(
      await call("alice", "POST", `sessions/${s.id}/complete`, {}, saved.headers.get("etag")!),
      409,
      "DUE_DATE_PASSED",
    );
  });

  it("default scores answer 403 FEATURE_DISABLED with the local host's defaults", async () => {
    const s = await manualSession("agent-flag");
    const res = await call(
      "alice",
      "PUT",
      `sessions/${s.id}/default-scores`,
      { enabled: true },
      s.etag,
    );
    expectProblem(res, 403, "FEATURE_DISABLED");
    const me = await call("alice", "GET", "me");
    expect(me.json.features).toEqual({ defaultScores: false });
  });

  it("archives Completed and Expired sessions in bulk, rejects the rest, and makes them read-only", async () => {
    const completed = await completedSession("agent-arch");
    const expired = await manualSession("agent-arch", { dueDate: PAST });
    const pending = await manualSession("agent-arch");

    // A session of another tenant is NOT_FOUND here, like one that does not exist.
    const otherTenant = `life-other-${randomUUID().slice(0, 8)}`;
    const otherAdmin = await tokenFor({
      tenantId: otherTenant,
      userId: "admin-9",
      roles: ["QM.Administrator"],
    });
    const otherForm = await api<any>("forms", {
      method: "POST",
      token: otherAdmin,
      body: {
        name: "Tiny",
        groups: [
          {
            id: "g",
            name: "G",
            weight: 100,
            questions: [
              {
                id: "q",
                text: "Q",
                type: "yesNo",
                required: true,
                weight: 100,
                naAllowed: false,
                answers: [
                  { id: "y", label: "Y", score: 100 },
                  { id: "n", label: "N", score: 0 },
                ],
              },
            ],
          },
        ],
      },
    });
    const otherInteraction = await api<any>("interactions", {
      method: "POST",
      token: otherAdmin,
      body: {
        externalId: `${otherTenant}-1`,
        agentId: "a",
        startedAt: FUTURE,
        durationSeconds: 1,
        channel: "chat",
      },
    });
    const otherSession = await api<any>("sessions", {
      method: "POST",
      token: otherAdmin,
      body: {
        name: "Theirs",
        type: "Distributed",
        formIds: [otherForm.json.id],
        evaluatorId: "e",
        dueDate: PAST,
        interaction: { mode: "manual", interactionId: otherInteraction.json.id },
      },
    });
    expect(otherSession.status).toBe(201);

    expectProblem(
      await call("alice", "POST", "sessions/archive", { ids: [completed.id] }),
      403,
      "FORBIDDEN",
    );
    const ids = [completed.id, expired.id, pending.id, "no-such-session", otherSession.json.id];
    const res = await call("keeper", "POST", "sessions/archive", { ids });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      archived: [completed.id, expired.id],
      rejected: [
        { id: pending.id, code: "NOT_ARCHIVABLE" },
        { id: "no-such-session", code: "NOT_FOUND" },
        { id: otherSession.json.id, code: "NOT_FOUND" },
      ],
    });
    const again = await call("admin", "POST", "sessions/archive", {
      ids: [completed.id, expired.id],
    });
    expect(again.json).toEqual({
      archived: [],
      rejected: [
        { id: completed.id, code: "ALREADY_ARCHIVED" },
        { id: expired.id, code: "ALREADY_ARCHIVED" },
      ],
    });

    // Read-only: reads work, every write is SESSION_ARCHIVED.
    const read = await call("alice", "GET", `sessions/${completed.id}`);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ archived: true, archivedBy: "keeper", status: "Completed" });
    expectProblem(
      await call(
        "alice",
        "PUT",
        answersPath(completed.id),
        { answers: best() },
        read.headers.get("etag")!,
      ),
      409,
      "SESSION_ARCHIVED",
    );
    const theirs = await api<any>(`sessions/${otherSession.json.id}`, { token: otherAdmin });
    expect(theirs.json.archived).toBe(false);

    // Archived sessions leave the grid unless asked for.
    const grid = await call("admin", "GET", "sessions?agentId=agent-arch");
    expect((grid.json.items as { id: string }[]).map((i) => i.id)).toEqual([pending.id]);
    const all = await call("admin", "GET", "sessions?agentId=agent-arch&archived=all&limit=200");
    expect((all.json.items as { id: string }[]).map((i) => i.id).sort()).toEqual(
      [completed.id, expired.id, pending.id].sort(),
    );
  });
});

describe("completion events reach the consumers", () => {
  it("notifies the agent once, with the score shown as asked", async () => {
    const agentId = `agent-note-${randomUUID().slice(0, 6)}`;
    const s = await manualSession(agentId);
    const saved = await call("alice", "PUT", answersPath(s.id), { answers: best() }, s.etag);
    await call(
      "alice",
      "POST",
      `sessions/${s.id}/complete`,
      { notifyAgent: { dueDate: FUTURE, summary: "Great call", showScore: true } },
      saved.headers.get("etag")!,
    );
    const agentToken = await tokenFor({ tenantId, userId: agentId, roles: ["QM.Agent"] });
    let items: any[] = [];
    await eventually(async () => {
      items = (await api<any>("action-items", { token: agentToken })).json.items as any[];
      return items.length > 0;
    });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ sessionId: s.id, summary: "Great call", score: 100 });
    const asAgent = await api<any>(`sessions/${s.id}`, { token: agentToken });
    expect(asAgent.status).toBe(200);
    expect(asAgent.json.scores.session).toBe(100);
  });
});

describe("the local host's demo seed (dev/seed.ts)", () => {
  it("seeds sessions in every state through the API, adds nothing the second time, and never throws", async () => {
    const demoTenant = `seed-${randomUUID().slice(0, 8)}`;
    const lines: string[] = [];
    const options = {
      baseUrl: baseUrl(),
      tenantId: demoTenant,
      token: (p: { tenantId: string; userId: string; roles: Role[] }) => tokenFor(p),
      log: (line: string) => lines.push(line),
    };
    const first = await seedDemoData(options);
    expect(first.seeded).toBe(true);
    const adminToken = await tokenFor({
      tenantId: demoTenant,
      userId: "admin-1",
      roles: ["QM.Administrator"],
    });
    const grid = await api<any>("sessions?archived=all", { token: adminToken });
    const statusOf = new Map(
      (grid.json.items as { id: string; status: string; archived: boolean; score?: number }[]).map(
        (i) => [i.id, i],
      ),
    );
    expect(statusOf.size).toBe(6);
    for (const [state, id] of Object.entries(first.sessions)) {
      const row = statusOf.get(id)!;
      if (state === "Archived") expect(row).toMatchObject({ archived: true, status: "Expired" });
      else expect(row).toMatchObject({ archived: false, status: state });
    }
    expect(statusOf.get(first.sessions.Completed!)!.score).toBe(40);
    expect(lines.join("\n")).toContain(
      `curl -H "Authorization: Bearer $TOKEN" ${baseUrl()}/sessions`,
    );

    const second = await seedDemoData(options);
    expect(second).toMatchObject({ seeded: false, formId: first.formId });
    const forms = await api<any>("forms", { token: adminToken });
    expect(forms.json.items).toHaveLength(1);

    const failed = await seedDemoDataSafely({ ...options, baseUrl: `${baseUrl()}/no-such-prefix` });
    expect(failed).toBeUndefined();
    expect(lines.at(-1)).toMatch(/^seed: demo data not \(fully\) seeded/);
  });
});
