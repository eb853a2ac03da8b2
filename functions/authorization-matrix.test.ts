// The authorization matrix: every registered HTTP function × every kind of caller, each cell run
// against fresh data with a body that is valid for the endpoint, so the status shows who may do
// what (401 → 404 → 403 → …), not validation. The same table is in docs/security.md; a test here
// parses the doc and compares, so the two cannot drift.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { customerCare } from "../test/support/domain-fixtures.js";
import {
  createTestApp,
  type CallOptions,
  type CallResult,
  type TestApp,
  type TestPrincipal,
} from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  archiver,
  bestAnswers,
  bob,
  createForm,
  ingest,
  integration,
  otherAgent,
  otherTenantAdmin,
  tenant,
} from "../test/support/scenario.js";
import { registeredFunctions } from "../shared/registry.js";

const callers = [
  "admin",
  "assignee",
  "evaluator",
  "agent+item",
  "agent",
  "integration",
  "archive",
  "other tenant",
  "no token",
] as const;
type Caller = (typeof callers)[number];

/** The principal behind each column. "agent" is the session's own agent, with no item linking it. */
const principals: Record<Caller, TestPrincipal | undefined> = {
  admin,
  assignee: alice,
  evaluator: bob,
  "agent+item": agent,
  agent,
  integration,
  archive: archiver,
  "other tenant": otherTenantAdmin,
  "no token": undefined,
};

/**
 * endpoint × caller → status. A list endpoint's 200 is written `200+` when the fixture's resource
 * is in the caller's page and `200-` when it is not (archive: `+` when the session was archived).
 * A row is a registered function's name, optionally followed by the situation in parentheses.
 */
// prettier-ignore
export const expectedMatrix: readonly (readonly [string, ...string[]])[] = [
  // row                                       admin   assignee evaluator agent+item agent  integration archive other tenant no token
  ["health",                                   "200",  "200",   "200",    "200",     "200", "200",      "200",  "200",       "200"],
  ["openapi",                                  "200",  "200",   "200",    "200",     "200", "200",      "200",  "200",       "200"],
  ["docs",                                     "200",  "200",   "200",    "200",     "200", "200",      "200",  "200",       "200"],
  ["docsAssets",                               "200",  "200",   "200",    "200",     "200", "200",      "200",  "200",       "200"],
  ["me",                                       "200",  "200",   "200",    "200",     "200", "200",      "200",  "200",       "401"],
  ["formsCreate",                              "201",  "403",   "403",    "403",     "403", "403",      "403",  "201",       "401"],
  ["formsList",                                "200+", "200+",  "200+",   "403",     "403", "403",      "403",  "200-",      "401"],
  ["formsGet",                                 "200",  "200",   "200",    "403",     "403", "403",      "403",  "404",       "401"],
  ["formsUpdate",                              "200",  "403",   "403",    "403",     "403", "403",      "403",  "404",       "401"],
  ["interactionsCreate",                       "201",  "403",   "403",    "403",     "403", "201",      "403",  "201",       "401"],
  ["interactionsList",                         "200+", "200+",  "200+",   "403",     "403", "200+",     "403",  "200-",      "401"],
  ["interactionsGet",                          "200",  "200",   "200",    "403",     "403", "200",      "403",  "404",       "401"],
  ["sessionsCreate (AdHoc for oneself)",       "201",  "201",   "201",    "403",     "403", "403",      "403",  "400",       "401"],
  ["sessionsCreate (Distributed for alice)",   "201",  "403",   "403",    "403",     "403", "403",      "403",  "400",       "401"],
  ["sessionsList",                             "200+", "200+",  "200-",   "200+",    "200-", "403",     "403",  "200-",      "401"],
  ["sessionsGet",                              "200",  "200",   "404",    "200",     "404", "403",      "403",  "404",       "401"],
  ["sessionsGet (Unassigned)",                 "200",  "200",   "200",    "404",     "404", "403",      "403",  "404",       "401"],
  ["sessionsAssign",                           "200",  "409",   "404",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsAssign (Unassigned)",              "200",  "200",   "200",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsAnswers",                          "200",  "200",   "404",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsAnswers (Unassigned)",             "409",  "409",   "409",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsComplete",                         "403",  "200",   "404",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsReplaceInteraction",               "200",  "200",   "404",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsDefaultScores",                    "403",  "200",   "404",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsNotifyAgent",                      "201",  "201",   "404",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsNotifyAgent (Unassigned)",         "409",  "409",   "409",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsExports",                          "201",  "201",   "404",    "403",     "403", "403",      "403",  "404",       "401"],
  ["sessionsMedia",                            "200",  "200",   "404",    "200",     "404", "403",      "403",  "404",       "401"],
  ["sessionsArchive (Completed)",              "200+", "403",   "403",    "403",     "403", "403",      "200+", "200-",      "401"],
  ["sessionsHistory",                          "200",  "200",   "404",    "403",     "404", "403",      "403",  "404",       "401"],
  ["sessionsVersions (Completed)",             "200",  "200",   "404",    "403",     "404", "403",      "403",  "404",       "401"],
  ["sessionsVersion (Completed)",              "200",  "200",   "404",    "403",     "404", "403",      "403",  "404",       "401"],
  ["sessionsDisputes (Completed)",             "201",  "403",   "403",    "403",     "404", "403",      "403",  "404",       "401"],
  ["disputesList (Disputed)",                  "200+", "200+",  "200-",   "200+",    "200+", "403",     "403",  "200-",      "401"],
  ["disputesGet (Disputed)",                   "200",  "200",   "404",    "200",     "200", "403",      "403",  "404",       "401"],
  ["disputesResolve (Disputed)",               "200",  "200",   "404",    "403",     "403", "403",      "403",  "404",       "401"],
  ["disputesWithdraw (Disputed)",              "200",  "403",   "403",    "200",     "200", "403",      "403",  "404",       "401"],
  ["actionItemsList",                          "200+", "200+",  "200-",   "200+",    "200-", "403",     "403",  "200-",      "401"],
  ["actionItemsGet",                           "200",  "200",   "404",    "200",     "404", "403",      "403",  "404",       "401"],
  ["actionItemsResponses",                     "201",  "201",   "404",    "201",     "404", "403",      "403",  "404",       "401"],
  ["actionItemsClose",                         "200",  "200",   "404",    "200",     "404", "403",      "403",  "404",       "401"],
  ["calibrationsList (Calibration)",           "200+", "403",   "403",    "403",     "403", "403",      "403",  "200-",      "401"],
  ["calibrationsGet (Calibration)",            "200",  "403",   "404",    "404",     "404", "404",      "404",  "404",       "401"],
  ["calibrationsPut (Calibration)",            "200",  "403",   "403",    "403",     "403", "403",      "403",  "404",       "401"],
  ["analyticsEvaluators",                      "200",  "200",   "200",    "403",     "403", "403",      "403",  "200",       "401"],
  ["policiesCreate",                           "201",  "403",   "403",    "403",     "403", "403",      "403",  "400",       "401"],
  ["policiesList",                             "200+", "403",   "403",    "403",     "403", "403",      "403",  "200-",      "401"],
  ["policiesGet",                              "200",  "403",   "403",    "403",     "403", "403",      "403",  "404",       "401"],
  ["policiesUpdate",                           "200",  "403",   "403",    "403",     "403", "403",      "403",  "404",       "401"],
  ["policiesRun",                              "202",  "403",   "403",    "403",     "403", "403",      "403",  "404",       "401"],
  ["operationsGet",                            "200",  "403",   "403",    "403",     "403", "403",      "403",  "404",       "401"],
  ["operationsList",                           "200+", "403",   "403",    "403",     "403", "403",      "403",  "200-",      "401"],
  ["analyticsAgent",                           "200",  "200",   "200",    "403",     "403", "403",      "403",  "200",       "401"],
  ["analyticsSkillGaps",                       "200",  "200",   "200",    "403",     "403", "403",      "403",  "200",       "401"],
  ["analyticsTrend",                           "200",  "200",   "200",    "403",     "403", "403",      "403",  "200",       "401"],
];

/** The state the fixture's session is in before the call. */
type Given = "InProgress" | "Unassigned" | "Completed" | "Disputed" | "Calibration";

/** The calibrationId of the fixture's session when it is a Calibration session. */
const CALIBRATION_ID = "matrix-calibration";

interface Fixture {
  formId: string;
  /** The session under test: alice's (or Unassigned), on agent-1's interaction, from criteria. */
  sessionId: string;
  sessionEtag: string;
  interactionId: string;
  /** Another eligible interaction of agent-1 (for replace and for creating sessions). */
  spareInteractionId: string;
  /** An action item by alice: on the session, or (for the "agent" column) on another agent's. */
  actionItemId: string;
  actionItemEtag: string;
  /** With `Disputed`: the dispute an Administrator raised on the completed session. */
  disputeId: string;
  /** A policy over an agent without interactions (its runs create nothing), and its first run. */
  policyId: string;
  operationId: string;
}

async function ok(
  app: TestApp,
  name: string,
  options: CallOptions,
  status: number,
): Promise<CallResult> {
  const res = await app.call(name, options);
  if (res.status !== status)
    throw new Error(`arrange ${name}: ${res.status} ${JSON.stringify(res.json)}`);
  return res;
}

const disputeBody = (formId: string) => ({
  comment: "The greeting was there",
  items: [{ formId, questionId: "greet", proposed: { answerIds: ["no"] } }],
});

async function arrange(app: TestApp, given: Given, caller: Caller): Promise<Fixture> {
  const { id: formId } = await createForm(app);
  const first = await ingest(app, { agentId: agent.userId, startedAt: "2026-11-20T09:00:00Z" });
  const session = await ok(
    app,
    "sessionsCreate",
    {
      as: admin,
      body: {
        name: "Matrix",
        type:
          given === "Unassigned"
            ? "Shared"
            : given === "Calibration"
              ? "Calibration"
              : "Distributed",
        ...(given === "Calibration" ? { calibrationId: CALIBRATION_ID } : {}),
        formIds: [formId],
        ...(given === "Unassigned" ? {} : { evaluatorId: alice.userId }),
        dueDate: "2026-12-01T00:00:00Z",
        interaction: { mode: "criteria", criteria: { agentId: agent.userId } },
      },
    },
    201,
  );
  const sessionId = String(session.json.id);
  let sessionEtag = session.headers.etag ?? "";
  const spare = await ingest(app, { agentId: agent.userId, startedAt: "2026-11-21T09:00:00Z" });

  if (given !== "Unassigned") {
    const saved = await ok(
      app,
      "sessionsAnswers",
      {
        as: alice,
        params: { id: sessionId },
        headers: { "if-match": sessionEtag },
        body: { answers: bestAnswers(formId) },
      },
      200,
    );
    sessionEtag = saved.headers.etag ?? "";
  }
  if (given === "Completed" || given === "Disputed") {
    const done = await ok(
      app,
      "sessionsComplete",
      { as: alice, params: { id: sessionId }, headers: { "if-match": sessionEtag }, body: {} },
      200,
    );
    sessionEtag = done.headers.etag ?? "";
  }
  let disputeId = "";
  if (given === "Disputed") {
    const raised = await ok(
      app,
      "sessionsDisputes",
      {
        as: admin,
        params: { id: sessionId },
        headers: { "if-match": sessionEtag },
        body: disputeBody(formId),
      },
      201,
    );
    disputeId = String(raised.json.id);
    sessionEtag = raised.headers.etag ?? "";
  }

  // The "agent" column is agent-1 without any item linking its session: the item goes to
  // another agent's session instead, so the item endpoints have something that is not theirs.
  // Nobody may notify on an Unassigned session, so there no caller has an item linking it.
  let notifiedSessionId = sessionId;
  if (caller === "agent" || given === "Unassigned") {
    const other = await ingest(app, { agentId: otherAgent.userId });
    const otherSession = await ok(
      app,
      "sessionsCreate",
      {
        as: admin,
        body: {
          name: "Other agent",
          type: "Distributed",
          formIds: [formId],
          evaluatorId: alice.userId,
          dueDate: "2026-12-01T00:00:00Z",
          interaction: { mode: "manual", interactionId: other.id },
        },
      },
      201,
    );
    notifiedSessionId = String(otherSession.json.id);
  }
  const item = await ok(
    app,
    "sessionsNotifyAgent",
    {
      as: alice,
      params: { id: notifiedSessionId },
      body: { dueDate: "2026-12-05T00:00:00Z", summary: "Please review", showScore: false },
    },
    201,
  );
  await app.blobs.mediaUploadUrl(tenant, first.id, "audio/wav");
  const policy = await ok(app, "policiesCreate", { as: admin, body: policyBody(formId) }, 201);
  const policyId = String(policy.json.id);
  const run = await ok(app, "policiesRun", { as: admin, params: { id: policyId }, body: {} }, 202);

  return {
    formId,
    sessionId,
    sessionEtag,
    interactionId: first.id,
    spareInteractionId: spare.id,
    actionItemId: String(item.json.id),
    actionItemEtag: item.headers.etag ?? "",
    disputeId,
    policyId,
    operationId: String(run.json.operationId),
  };
}

const policyBody = (formId: string) => ({
  name: "Matrix policy",
  type: "Distributed",
  formIds: [formId],
  criteria: { agentIds: ["agent-without-interactions"] },
  quota: { perAgent: 1, period: "week" },
  evaluatorIds: [alice.userId],
  dueInDays: 7,
});

interface Case {
  given?: Given;
  request: (fx: Fixture, caller: Caller) => CallOptions;
  /** For list-like answers: whether the fixture's resource is in the 200 answer. */
  includes?: (json: unknown, fx: Fixture) => boolean;
}

const itemsHave = (json: unknown, id: string): boolean =>
  typeof json === "object" &&
  json !== null &&
  "items" in json &&
  Array.isArray(json.items) &&
  json.items.some(
    (item: unknown) => typeof item === "object" && item !== null && "id" in item && item.id === id,
  );

const asSelf = (caller: Caller): string => principals[caller]?.userId ?? "nobody";

const cases: Record<string, Case> = {
  health: { request: () => ({}) },
  openapi: { request: () => ({}) },
  docs: { request: () => ({}) },
  docsAssets: { request: () => ({ params: { name: "explorer" } }) },
  me: { request: () => ({}) },
  formsCreate: { request: () => ({ body: customerCare }) },
  formsList: {
    request: () => ({ query: { limit: "200" } }),
    includes: (json, fx) => itemsHave(json, fx.formId),
  },
  formsGet: { request: (fx) => ({ params: { id: fx.formId } }) },
  formsUpdate: {
    request: (fx) => ({
      params: { id: fx.formId },
      headers: { "if-match": '"1"' },
      body: { ...customerCare, name: "Customer care v2" },
    }),
  },
  interactionsCreate: {
    request: () => ({
      body: {
        externalId: `matrix-${randomUUID()}`,
        agentId: agent.userId,
        startedAt: "2026-11-22T10:00:00Z",
        durationSeconds: 120,
        channel: "chat",
      },
    }),
  },
  interactionsList: {
    request: () => ({ query: { limit: "200" } }),
    includes: (json, fx) => itemsHave(json, fx.interactionId),
  },
  interactionsGet: { request: (fx) => ({ params: { id: fx.interactionId } }) },
  "sessionsCreate (AdHoc for oneself)": {
    request: (fx, caller) => ({
      body: {
        name: "Own review",
        type: "AdHoc",
        formIds: [fx.formId],
        evaluatorId: asSelf(caller),
        dueDate: "2026-12-01T00:00:00Z",
        interaction: { mode: "manual", interactionId: fx.spareInteractionId },
      },
    }),
  },
  "sessionsCreate (Distributed for alice)": {
    request: (fx) => ({
      body: {
        name: "Week 48",
        type: "Distributed",
        formIds: [fx.formId],
        evaluatorId: alice.userId,
        dueDate: "2026-12-01T00:00:00Z",
        interaction: { mode: "manual", interactionId: fx.spareInteractionId },
      },
    }),
  },
  sessionsList: {
    request: () => ({ query: { limit: "200" } }),
    includes: (json, fx) => itemsHave(json, fx.sessionId),
  },
  sessionsGet: { request: (fx) => ({ params: { id: fx.sessionId } }) },
  "sessionsGet (Unassigned)": {
    given: "Unassigned",
    request: (fx) => ({ params: { id: fx.sessionId } }),
  },
  sessionsAssign: {
    request: (fx, caller) => ({
      params: { id: fx.sessionId },
      headers: { "if-match": fx.sessionEtag },
      // An Administrator (re)assigns; everyone else sends the claim body.
      body: caller === "admin" || caller === "other tenant" ? { evaluatorId: bob.userId } : {},
    }),
  },
  "sessionsAssign (Unassigned)": {
    given: "Unassigned",
    request: (fx, caller) => ({
      params: { id: fx.sessionId },
      headers: { "if-match": fx.sessionEtag },
      body: caller === "admin" || caller === "other tenant" ? { evaluatorId: bob.userId } : {},
    }),
  },
  sessionsAnswers: {
    request: (fx) => ({
      params: { id: fx.sessionId },
      headers: { "if-match": fx.sessionEtag },
      body: { answers: { [fx.formId]: { greet: { answerIds: ["no"] } } } },
    }),
  },
  "sessionsAnswers (Unassigned)": {
    given: "Unassigned",
    request: (fx) => ({
      params: { id: fx.sessionId },
      headers: { "if-match": fx.sessionEtag },
      body: { answers: { [fx.formId]: { greet: { answerIds: ["no"] } } } },
    }),
  },
  sessionsComplete: {
    request: (fx) => ({
      params: { id: fx.sessionId },
      headers: { "if-match": fx.sessionEtag },
      body: {},
    }),
  },
  sessionsReplaceInteraction: {
    request: (fx) => ({
      params: { id: fx.sessionId },
      headers: { "if-match": fx.sessionEtag },
      body: {},
    }),
  },
  sessionsDefaultScores: {
    request: (fx) => ({
      params: { id: fx.sessionId },
      headers: { "if-match": fx.sessionEtag },
      body: { enabled: true },
    }),
  },
  sessionsNotifyAgent: {
    request: (fx) => ({
      params: { id: fx.sessionId },
      body: { dueDate: "2026-12-05T00:00:00Z", summary: "Again", showScore: true },
    }),
  },
  "sessionsNotifyAgent (Unassigned)": {
    given: "Unassigned",
    request: (fx) => ({
      params: { id: fx.sessionId },
      body: { dueDate: "2026-12-05T00:00:00Z", summary: "Scores?", showScore: true },
    }),
  },
  sessionsExports: {
    request: (fx) => ({ params: { id: fx.sessionId }, body: { format: "csv" } }),
  },
  sessionsMedia: { request: (fx) => ({ params: { id: fx.sessionId } }) },
  "sessionsArchive (Completed)": {
    given: "Completed",
    request: (fx) => ({ body: { ids: [fx.sessionId] } }),
    includes: (json, fx) =>
      typeof json === "object" &&
      json !== null &&
      "archived" in json &&
      Array.isArray(json.archived) &&
      json.archived.includes(fx.sessionId),
  },
  sessionsHistory: { request: (fx) => ({ params: { id: fx.sessionId } }) },
  "sessionsVersions (Completed)": {
    given: "Completed",
    request: (fx) => ({ params: { id: fx.sessionId } }),
  },
  "sessionsVersion (Completed)": {
    given: "Completed",
    request: (fx) => ({ params: { id: fx.sessionId, n: "1" } }),
  },
  "sessionsDisputes (Completed)": {
    given: "Completed",
    request: (fx) => ({
      params: { id: fx.sessionId },
      headers: { "if-match": fx.sessionEtag },
      body: disputeBody(fx.formId),
    }),
  },
  "disputesList (Disputed)": {
    given: "Disputed",
    request: () => ({ query: { limit: "200" } }),
    includes: (json, fx) => itemsHave(json, fx.disputeId),
  },
  "disputesGet (Disputed)": {
    given: "Disputed",
    request: (fx) => ({ params: { id: fx.disputeId } }),
  },
  "disputesResolve (Disputed)": {
    given: "Disputed",
    request: (fx) => ({
      params: { id: fx.disputeId },
      headers: { "if-match": fx.sessionEtag },
      body: {
        decisions: [
          {
            formId: fx.formId,
            questionId: "greet",
            outcome: "rejected",
            reasonCode: "NOT_GRADER_ERROR",
          },
        ],
      },
    }),
  },
  "disputesWithdraw (Disputed)": {
    given: "Disputed",
    request: (fx) => ({ params: { id: fx.disputeId }, headers: { "if-match": fx.sessionEtag } }),
  },
  actionItemsList: {
    request: () => ({ query: { limit: "200" } }),
    includes: (json, fx) => itemsHave(json, fx.actionItemId),
  },
  actionItemsGet: { request: (fx) => ({ params: { id: fx.actionItemId } }) },
  actionItemsResponses: {
    request: (fx) => ({
      params: { id: fx.actionItemId },
      headers: { "if-match": fx.actionItemEtag },
      body: { message: "Noted, thanks." },
    }),
  },
  actionItemsClose: {
    request: (fx) => ({
      params: { id: fx.actionItemId },
      headers: { "if-match": fx.actionItemEtag },
    }),
  },
  "calibrationsList (Calibration)": {
    given: "Calibration",
    request: () => ({ query: { limit: "200" } }),
    includes: (json) =>
      typeof json === "object" &&
      json !== null &&
      "items" in json &&
      Array.isArray(json.items) &&
      json.items.some(
        (item: unknown) =>
          typeof item === "object" &&
          item !== null &&
          "calibrationId" in item &&
          item.calibrationId === CALIBRATION_ID,
      ),
  },
  "calibrationsGet (Calibration)": {
    given: "Calibration",
    request: () => ({ params: { calibrationId: CALIBRATION_ID } }),
  },
  "calibrationsPut (Calibration)": {
    given: "Calibration",
    request: () => ({
      params: { calibrationId: CALIBRATION_ID },
      body: { expertEvaluatorId: alice.userId, blind: true },
    }),
  },
  analyticsEvaluators: { request: () => ({}) },
  policiesCreate: { request: (fx) => ({ body: policyBody(fx.formId) }) },
  policiesList: {
    request: () => ({ query: { limit: "200" } }),
    includes: (json, fx) => itemsHave(json, fx.policyId),
  },
  policiesGet: { request: (fx) => ({ params: { id: fx.policyId } }) },
  policiesUpdate: {
    request: (fx) => ({
      params: { id: fx.policyId },
      headers: { "if-match": '"1"' },
      body: { ...policyBody(fx.formId), enabled: false },
    }),
  },
  policiesRun: { request: (fx) => ({ params: { id: fx.policyId }, body: {} }) },
  operationsGet: { request: (fx) => ({ params: { id: fx.operationId } }) },
  operationsList: {
    request: (fx) => ({ query: { policyId: fx.policyId } }),
    includes: (json, fx) => itemsHave(json, fx.operationId),
  },
  analyticsAgent: { request: () => ({ params: { agentId: agent.userId } }) },
  analyticsSkillGaps: { request: () => ({}) },
  analyticsTrend: { request: () => ({}) },
};

const functionOf = (row: string): string => row.replace(/\s*\(.*\)$/, "");

const httpFunctionNames = (): string[] =>
  registeredFunctions()
    .filter((f) => f.kind === "http")
    .map((f) => f.name);

async function runCell(row: string, caller: Caller): Promise<string> {
  const spec = cases[row];
  if (!spec) throw new Error(`No request is defined for the row ${row}`);
  // Default scores is behind a flag; turned on so the cell shows access, not the flag.
  const app = await createTestApp({ settings: { FEATURE_DEFAULT_SCORES: "true" } });
  const fx = await arrange(app, spec.given ?? "InProgress", caller);
  const principal = principals[caller];
  const res = await app.call(functionOf(row), {
    ...spec.request(fx, caller),
    ...(principal ? { as: principal } : {}),
  });
  if (res.status >= 400) {
    // Every refusal is a problem document, whatever the cell.
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  }
  if (res.status === 200 && spec.includes) return spec.includes(res.json, fx) ? "200+" : "200-";
  return String(res.status);
}

/** The matrix table of docs/security.md, between its markers, as rows of cells. */
export function matrixOfDoc(markdown: string): string[][] {
  const start = markdown.indexOf("<!-- matrix:start -->");
  const end = markdown.indexOf("<!-- matrix:end -->");
  if (start < 0 || end < start) throw new Error("docs/security.md has no matrix markers");
  return markdown
    .slice(start, end)
    .split("\n")
    .filter((line) => line.trim().startsWith("|"))
    .slice(2) // header and separator
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, "")
        .split("|")
        .map((cell) => cell.trim().replace(/^`|`$/g, "")),
    );
}

describe("authorization matrix", () => {
  it("has a row for every registered HTTP function, and no row for a function that is not registered", () => {
    const rows = new Set(expectedMatrix.map(([row]) => functionOf(row)));
    const registered = httpFunctionNames();
    expect(registered.filter((name) => !rows.has(name))).toEqual([]);
    expect([...rows].filter((name) => !registered.includes(name))).toEqual([]);
    expect(Object.keys(cases).sort()).toEqual(expectedMatrix.map(([row]) => row).sort());
    for (const [, ...cells] of expectedMatrix) expect(cells).toHaveLength(callers.length);
  });

  it("is the table docs/security.md shows", () => {
    const doc = readFileSync(new URL("../docs/security.md", import.meta.url), "utf8");
    const header = ["endpoint", ...callers];
    const rows = matrixOfDoc(doc);
    expect(rows.map((r) => r.length)).toEqual(rows.map(() => header.length));
    expect(rows).toEqual(expectedMatrix.map((row) => [...row]));
  });

  it.each(expectedMatrix.map((row) => [row[0], row.slice(1)] as const))(
    "%s",
    async (row, expected) => {
      const observed: string[] = [];
      for (const caller of callers) observed.push(await runCell(row, caller));
      expect(Object.fromEntries(callers.map((c, i) => [c, observed[i]]))).toEqual(
        Object.fromEntries(callers.map((c, i) => [c, expected[i]])),
      );
    },
  );
});
