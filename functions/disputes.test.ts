// Disputes over the handlers (docs/api.md "Disputes"): who may raise, withdraw and resolve, every
// check in its order, the frozen session, the new version an accepted item makes, the events,
// the list's visibility and the outcome noted on the agent's action item.
import { beforeEach, describe, expect, it } from "vitest";
import { eventTypes } from "../shared/domain/events.js";
import { createTestApp, type CallResult, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bob,
  completeWithBestAnswers,
  createSession,
  otherAgent,
  otherTenantAdmin,
  type SessionSetup,
} from "../test/support/scenario.js";

let app: TestApp;
let s: SessionSetup;
/** The completed session's ETag. */
let etag: string;

const DAY = 24 * 60 * 60 * 1000;

async function showScores(showScore = true): Promise<void> {
  const res = await app.call("sessionsNotifyAgent", {
    as: alice,
    params: { id: s.sessionId },
    body: { dueDate: "2026-12-05T00:00:00Z", summary: "Your evaluation", showScore },
  });
  expect(res.status).toBe(201);
}

beforeEach(async () => {
  app = await createTestApp();
  s = await createSession(app);
  const done = await completeWithBestAnswers(app, s);
  expect(done.status).toBe(200);
  etag = done.headers.etag!;
});

const item = (questionId = "greet", proposed: unknown = { answerIds: ["no"] }) => ({
  formId: s.formId,
  questionId,
  proposed,
});

function raise(
  body: unknown = { comment: "I did greet", items: [item()] },
  options: { as?: typeof agent; ifMatch?: string | null; id?: string } = {},
): Promise<CallResult> {
  const ifMatch = options.ifMatch === undefined ? etag : options.ifMatch;
  return app.call("sessionsDisputes", {
    as: options.as ?? agent,
    params: { id: options.id ?? s.sessionId },
    ...(ifMatch === null ? {} : { headers: { "if-match": ifMatch } }),
    body,
  });
}

function resolve(disputeId: string, decisions: unknown[], ifMatch: string, as = alice) {
  return app.call("disputesResolve", {
    as,
    params: { id: disputeId },
    headers: { "if-match": ifMatch },
    body: { decisions, comment: "Reviewed the call" },
  });
}

const decision = (questionId: string, outcome: string, reasonCode = "GRADER_ERROR") => ({
  formId: s.formId,
  questionId,
  outcome,
  reasonCode,
});

const code = (res: CallResult) => [res.status, res.json?.code];

describe("raising a dispute", () => {
  it("the agent shown the scores disputes the current version; everyone who reads the session sees it", async () => {
    await showScores();
    const res = await raise({
      comment: "I did greet",
      items: [item("greet"), { ...item("verify", { na: true }), comment: "see 02:10" }],
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/disputes/${res.json.id}`);
    expect(res.json).toMatchObject({
      id: `${s.sessionId}_d1`,
      sessionId: s.sessionId,
      agentId: agent.userId,
      evaluatorId: alice.userId,
      version: 1,
      status: "Open",
      comment: "I did greet",
      raisedBy: agent.userId,
      items: [
        { questionId: "greet", current: { answerIds: ["yes"] }, proposed: { answerIds: ["no"] } },
        {
          questionId: "verify",
          current: { answerIds: ["full"] },
          proposed: { na: true },
          comment: "see 02:10",
        },
      ],
    });
    const session = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    // The dispute's ETag is its session's.
    expect(res.headers.etag).toBe(session.headers.etag);
    expect(session.json.dispute).toEqual({
      openDisputeId: res.json.id,
      raised: 1,
      remaining: 2,
      windowClosesAt: new Date(Date.parse(session.json.completedAt) + 14 * DAY).toISOString(),
    });
    const disputed = app.publisher.published.filter((e) => e.type === eventTypes.disputed);
    expect(disputed.map((e) => e.data)).toEqual([
      expect.objectContaining({ disputeId: res.json.id, version: 1, agentId: agent.userId }),
    ]);
  });

  it("an Administrator raises one for the agent without a showScore item", async () => {
    expect((await raise(undefined, { as: admin })).status).toBe(201);
  });

  it("refuses an agent not shown the scores (403 SCORES_NOT_SHARED), one with no item 404, an Evaluator 403", async () => {
    expect(code(await raise())).toEqual([404, "NOT_FOUND"]);
    await showScores(false);
    expect(code(await raise())).toEqual([403, "SCORES_NOT_SHARED"]);
    expect(code(await raise(undefined, { as: alice }))).toEqual([403, "FORBIDDEN"]);
    expect(code(await raise(undefined, { as: otherAgent }))).toEqual([404, "NOT_FOUND"]);
    expect(code(await raise(undefined, { as: otherTenantAdmin }))).toEqual([404, "NOT_FOUND"]);
  });

  it("refuses a bad body with 400 naming each path, and a refused request counts toward no limit", async () => {
    await showScores();
    const long = "x".repeat(2001);
    const cases: [unknown, string][] = [
      [{ comment: "", items: [item()] }, "comment"],
      [{ comment: long, items: [item()] }, "comment"],
      [{ comment: "c", items: [] }, "items"],
      [{ comment: "c", items: Array.from({ length: 51 }, () => item()) }, "items"],
      [{ comment: "c", items: [item("nope")] }, "items.0"],
      [{ comment: "c", items: [item("notes", { text: "x" })] }, "items.0"],
      [{ comment: "c", items: [item(), item()] }, "items.1"],
      [
        { comment: "c", items: [item("greet", { answerIds: ["maybe"] })] },
        "items.0.proposed.answerIds.0",
      ],
      [{ comment: "c", items: [item("greet", { na: true })] }, "items.0.proposed.na"],
      [{ comment: "c", items: [item("greet", { answerIds: ["yes"] })] }, "items.0.proposed"],
      [{ comment: "c", items: [item("greet", null)] }, "items.0.proposed"],
      [{ comment: "c", items: [{ ...item(), comment: long }] }, "items.0.comment"],
    ];
    for (const [body, path] of cases) {
      const res = await raise(body);
      expect([JSON.stringify(body).slice(0, 60), ...code(res)]).toEqual([
        JSON.stringify(body).slice(0, 60),
        400,
        "VALIDATION_FAILED",
      ]);
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    for (let i = 0; i < 3; i++) {
      const raised = await raise();
      expect(raised.status).toBe(201);
      etag = raised.headers.etag!;
      const withdrawn = await app.call("disputesWithdraw", {
        as: agent,
        params: { id: raised.json.id },
        headers: { "if-match": etag },
      });
      etag = withdrawn.headers.etag!;
    }
  });

  it("checks If-Match after the body: missing 428, stale 412", async () => {
    await showScores();
    expect(code(await raise({ comment: "" }, { ifMatch: null }))).toEqual([
      400,
      "VALIDATION_FAILED",
    ]);
    expect(code(await raise(undefined, { ifMatch: null }))).toEqual([428, "PRECONDITION_REQUIRED"]);
    expect(code(await raise(undefined, { ifMatch: '"1"' }))).toEqual([412, "PRECONDITION_FAILED"]);
  });

  it("refuses, in order, a session not completed, archived, past the window, with one open, at the limit", async () => {
    const open = await createSession(app, {}, s.formId);
    expect(
      code(await raise(undefined, { as: admin, id: open.sessionId, ifMatch: open.etag })),
    ).toEqual([409, "SESSION_NOT_COMPLETED"]);
    // Past the window, and archived: SESSION_ARCHIVED comes first.
    app.clock.advance(15 * DAY);
    expect(code(await raise(undefined, { as: admin }))).toEqual([409, "DISPUTE_WINDOW_CLOSED"]);
    const archived = await app.call("sessionsArchive", { as: admin, body: { ids: [s.sessionId] } });
    expect(archived.json.archived).toEqual([s.sessionId]);
    const current = await app.call("sessionsGet", { as: admin, params: { id: s.sessionId } });
    expect(code(await raise(undefined, { as: admin, ifMatch: current.headers.etag! }))).toEqual([
      409,
      "SESSION_ARCHIVED",
    ]);
  });

  it("takes one open dispute at a time and at most DISPUTE_MAX_PER_SESSION, withdrawn ones included", async () => {
    app = await createTestApp({ settings: { DISPUTE_MAX_PER_SESSION: "2" } });
    s = await createSession(app);
    etag = (await completeWithBestAnswers(app, s)).headers.etag!;
    const first = await raise(undefined, { as: admin });
    expect(code(await raise(undefined, { as: admin, ifMatch: first.headers.etag! }))).toEqual([
      409,
      "DISPUTE_ALREADY_OPEN",
    ]);
    const withdrawn = await app.call("disputesWithdraw", {
      as: admin,
      params: { id: first.json.id },
      headers: { "if-match": first.headers.etag! },
    });
    const second = await raise(undefined, { as: admin, ifMatch: withdrawn.headers.etag! });
    const rejected = await resolve(
      second.json.id,
      [decision("greet", "rejected")],
      second.headers.etag!,
    );
    expect(code(await raise(undefined, { as: admin, ifMatch: rejected.headers.etag! }))).toEqual([
      409,
      "DISPUTE_LIMIT_REACHED",
    ]);
  });
});

describe("while a dispute is open", () => {
  it("freezes the session: answers and assign 409 DISPUTE_OPEN, bulk archive rejects it", async () => {
    const raised = await raise(undefined, { as: admin });
    const frozen = raised.headers.etag!;
    const save = await app.call("sessionsAnswers", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": frozen },
      body: { answers: { [s.formId]: { greet: { answerIds: ["no"] } } } },
    });
    expect(code(save)).toEqual([409, "DISPUTE_OPEN"]);
    const assign = await app.call("sessionsAssign", {
      as: admin,
      params: { id: s.sessionId },
      headers: { "if-match": frozen },
      body: { evaluatorId: bob.userId },
    });
    expect(code(assign)).toEqual([409, "DISPUTE_OPEN"]);
    const archive = await app.call("sessionsArchive", { as: admin, body: { ids: [s.sessionId] } });
    expect(archive.json.rejected).toEqual([{ id: s.sessionId, code: "DISPUTE_OPEN" }]);
  });
});

describe("resolving a dispute", () => {
  it("applies the accepted answers as one new version (cause dispute), even past the due date", async () => {
    await showScores();
    const raised = await raise({
      comment: "Two mistakes",
      items: [item("greet"), item("verify", { na: true })],
    });
    app.clock.advance(10 * DAY); // past the session's due date
    const res = await resolve(
      raised.json.id,
      [decision("greet", "accepted"), decision("verify", "rejected", "NOT_GRADER_ERROR")],
      raised.headers.etag!,
    );
    expect(res.status).toBe(200);
    expect(res.json.dispute).toMatchObject({
      status: "PartiallyAccepted",
      resolvedBy: alice.userId,
      resolutionComment: "Reviewed the call",
      resolvedVersion: 2,
      items: [
        { questionId: "greet", decision: { outcome: "accepted", reasonCode: "GRADER_ERROR" } },
        { questionId: "verify", decision: { outcome: "rejected", reasonCode: "NOT_GRADER_ERROR" } },
      ],
    });
    expect(res.json.session.version).toBe(2);
    expect(res.json.session.answers[s.formId].greet).toEqual({ answerIds: ["no"] });
    expect(res.json.session.answers[s.formId].verify).toEqual({ answerIds: ["full"] });
    // One write: the session's next revision is the resolution's ETag.
    expect(res.headers.etag).toBe(`"${Number(raised.headers.etag!.replaceAll('"', "")) + 1}"`);
    const rescored = app.publisher.published.find((e) => e.type === eventTypes.rescored);
    expect(rescored?.data).toMatchObject({
      version: 2,
      previousVersion: 1,
      cause: "dispute",
      reason: "Reviewed the call",
    });
    const resolved = app.publisher.published.find((e) => e.type === eventTypes["dispute-resolved"]);
    expect(resolved?.data).toMatchObject({
      disputeId: raised.json.id,
      status: "PartiallyAccepted",
      accepted: 1,
      rejected: 1,
      version: 2,
    });
    const versions = await app.call("sessionsVersions", { as: admin, params: { id: s.sessionId } });
    expect(
      versions.json.items.map((v: { version: number; cause: string }) => [v.version, v.cause]),
    ).toEqual([
      [2, "dispute"],
      [1, "completed"],
    ]);
    const history = await app.call("sessionsHistory", { as: admin, params: { id: s.sessionId } });
    expect(history.json.items[0]).toMatchObject({
      action: "disputeResolved",
      reason: "Reviewed the call",
      changes: [{ questionId: "greet", from: { answerIds: ["yes"] }, to: { answerIds: ["no"] } }],
    });
  });

  it("with every item rejected makes no version and no rescored event", async () => {
    const raised = await raise(undefined, { as: admin });
    const res = await resolve(
      raised.json.id,
      [decision("greet", "rejected")],
      raised.headers.etag!,
    );
    expect(res.json.dispute.status).toBe("Rejected");
    expect(res.json.dispute).not.toHaveProperty("resolvedVersion");
    expect(res.json.session.version).toBe(1);
    expect(app.publisher.published.some((e) => e.type === eventTypes.rescored)).toBe(false);
  });

  it("needs exactly one decision per item (400), an Open dispute (409), and the evaluator or an Administrator", async () => {
    const raised = await raise(
      { comment: "c", items: [item("greet"), item("verify", { na: true })] },
      { as: admin },
    );
    const at = raised.headers.etag!;
    for (const decisions of [
      [decision("greet", "accepted")],
      [decision("greet", "accepted"), decision("greet", "rejected")],
      [
        decision("greet", "accepted"),
        decision("verify", "rejected"),
        decision("resolved", "accepted"),
      ],
      [decision("greet", "maybe"), decision("verify", "rejected")],
      [
        { ...decision("greet", "accepted"), comment: "x".repeat(2001) },
        decision("verify", "rejected"),
      ],
    ]) {
      expect(code(await resolve(raised.json.id, decisions, at))).toEqual([
        400,
        "VALIDATION_FAILED",
      ]);
    }
    const both = [decision("greet", "accepted"), decision("verify", "accepted")];
    expect(code(await resolve(raised.json.id, both, at, bob))).toEqual([404, "NOT_FOUND"]);
    const agentCall = await app.call("disputesResolve", {
      as: agent,
      params: { id: raised.json.id },
      headers: { "if-match": at },
      body: { decisions: both },
    });
    expect(code(agentCall)).toEqual([403, "FORBIDDEN"]);
    const done = await resolve(raised.json.id, both, at);
    expect(done.json.dispute.status).toBe("Accepted");
    expect(code(await resolve(raised.json.id, both, done.headers.etag!))).toEqual([
      409,
      "DISPUTE_CLOSED",
    ]);
  });
});

describe("withdrawing, reading and listing disputes", () => {
  it("the dispute's agent withdraws it once; then it is closed", async () => {
    await showScores();
    const raised = await raise();
    const evaluatorCall = await app.call("disputesWithdraw", {
      as: alice,
      params: { id: raised.json.id },
      headers: { "if-match": raised.headers.etag! },
    });
    expect(code(evaluatorCall)).toEqual([403, "FORBIDDEN"]);
    const withdraw = (at: string) =>
      app.call("disputesWithdraw", {
        as: agent,
        params: { id: raised.json.id },
        headers: { "if-match": at },
      });
    const done = await withdraw(raised.headers.etag!);
    expect(done.json).toMatchObject({ status: "Withdrawn", withdrawnBy: agent.userId });
    expect(code(await withdraw(done.headers.etag!))).toEqual([409, "DISPUTE_CLOSED"]);
    expect(app.publisher.published.map((e) => e.type)).toContain(eventTypes["dispute-withdrawn"]);
  });

  it("shows a dispute to its agent, the session's evaluator and Administrators; lists them newest first", async () => {
    await showScores();
    const raised = await raise();
    for (const as of [agent, alice, admin]) {
      const read = await app.call("disputesGet", { as, params: { id: raised.json.id } });
      expect([as.userId, read.status, read.headers.etag]).toEqual([
        as.userId,
        200,
        raised.headers.etag,
      ]);
      const list = await app.call("disputesList", { as });
      expect(list.json.items.map((d: { id: string }) => d.id)).toEqual([raised.json.id]);
    }
    for (const as of [bob, otherAgent, otherTenantAdmin]) {
      const read = await app.call("disputesGet", { as, params: { id: raised.json.id } });
      expect([as.userId, ...code(read)]).toEqual([as.userId, 404, "NOT_FOUND"]);
      expect((await app.call("disputesList", { as })).json.items).toEqual([]);
    }
    expect(
      code(await app.call("disputesGet", { as: admin, params: { id: "no-such-dispute" } })),
    ).toEqual([404, "NOT_FOUND"]);
    const filtered = await app.call("disputesList", { as: admin, query: { status: "Withdrawn" } });
    expect(filtered.json.items).toEqual([]);
  });
});

describe("the agent learns the outcome", () => {
  it("the notifications consumer notes it once on the agent's newest showScore item", async () => {
    await showScores();
    const raised = await raise();
    await resolve(raised.json.id, [decision("greet", "accepted")], raised.headers.etag!);
    await app.deliver();
    const resolvedEvent = app.publisher.published.find(
      (e) => e.type === eventTypes["dispute-resolved"],
    )!;
    // A redelivery adds nothing.
    app.publisher.published.push(structuredClone(resolvedEvent));
    await app.deliver();
    const items = (await app.call("actionItemsList", { as: agent })).json.items;
    const withScore = items.find((i: { showScore: boolean }) => i.showScore);
    expect(withScore.responses).toEqual([
      expect.objectContaining({
        by: alice.userId,
        message: "Dispute Accepted: 1 of 1 item(s) accepted. Reviewed the call",
      }),
    ]);
  });

  it("counts resolved disputes, accepted items and grader errors per evaluator", async () => {
    const raised = await raise(
      { comment: "c", items: [item("greet"), item("verify", { na: true })] },
      { as: admin },
    );
    await resolve(
      raised.json.id,
      [decision("greet", "accepted"), decision("verify", "accepted", "FORM_UNCLEAR")],
      raised.headers.etag!,
    );
    const report = await app.call("analyticsEvaluators", { as: admin });
    expect(report.status).toBe(200);
    expect(
      report.json.items.find((r: { evaluatorId: string }) => r.evaluatorId === alice.userId),
    ).toMatchObject({
      disputesReceived: 1,
      disputeItemsAccepted: 2,
      graderErrors: 1,
    });
  });
});
