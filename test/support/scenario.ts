// Builds the usual starting point of a handler test through the API itself: a form, an
// interaction and a session, created by the tenant's administrator.
import { customerCare } from "./domain-fixtures.js";
import type { TestApp, TestPrincipal } from "./harness.js";

export const tenant = "t1";
export const admin: TestPrincipal = {
  tenantId: tenant,
  userId: "admin-1",
  roles: ["QM.Administrator"],
};
export const alice: TestPrincipal = { tenantId: tenant, userId: "alice", roles: ["QM.Evaluator"] };
export const bob: TestPrincipal = { tenantId: tenant, userId: "bob", roles: ["QM.Evaluator"] };
export const agent: TestPrincipal = { tenantId: tenant, userId: "agent-1", roles: ["QM.Agent"] };
export const otherAgent: TestPrincipal = {
  tenantId: tenant,
  userId: "agent-2",
  roles: ["QM.Agent"],
};
export const integration: TestPrincipal = {
  tenantId: tenant,
  userId: "ingest",
  roles: ["QM.Integration"],
};
export const archiver: TestPrincipal = {
  tenantId: tenant,
  userId: "keeper",
  roles: ["QM.Archive"],
};
export const otherTenantAdmin: TestPrincipal = {
  tenantId: "t2",
  userId: "admin-2",
  roles: ["QM.Administrator"],
};

let externalCounter = 0;

export async function createForm(
  app: TestApp,
  body: unknown = customerCare,
): Promise<{ id: string; version: number }> {
  const res = await app.call("formsCreate", { as: admin, body });
  if (res.status !== 201) throw new Error(`form: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { id: string; version: number };
}

export async function ingest(
  app: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; externalId: string }> {
  const res = await app.call("interactionsCreate", {
    as: admin,
    body: {
      externalId: `ext-${++externalCounter}-${Math.random().toString(36).slice(2, 8)}`,
      agentId: agent.userId,
      startedAt: "2026-11-20T10:00:00Z",
      durationSeconds: 300,
      channel: "voice",
      ...overrides,
    },
  });
  if (res.status !== 201) throw new Error(`interaction: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { id: string; externalId: string };
}

export interface SessionSetup {
  formId: string;
  interactionId: string;
  sessionId: string;
  etag: string;
}

/** A Distributed session assigned to alice (or the overrides' type/evaluator). */
export async function createSession(
  app: TestApp,
  overrides: Record<string, unknown> = {},
  formId?: string,
): Promise<SessionSetup> {
  const form = formId ?? (await createForm(app)).id;
  const interaction = await ingest(app);
  const res = await app.call("sessionsCreate", {
    as: admin,
    body: {
      name: "Week 48 – Alice",
      type: "Distributed",
      formIds: [form],
      evaluatorId: alice.userId,
      dueDate: "2026-12-01T00:00:00Z",
      interaction: { mode: "manual", interactionId: interaction.id },
      ...overrides,
    },
  });
  if (res.status !== 201) throw new Error(`session: ${res.status} ${JSON.stringify(res.json)}`);
  return {
    formId: form,
    interactionId: interaction.id,
    sessionId: res.json.id,
    etag: res.headers.etag!,
  };
}

/** Answers every required question of the customer-care form with its best answer. */
export function bestAnswers(formId: string): Record<string, Record<string, unknown>> {
  return {
    [formId]: {
      greet: { answerIds: ["yes"] },
      verify: { answerIds: ["full"] },
      resolved: { answerIds: ["yes"] },
    },
  };
}

/**
 * The benchmark's large session: `forms` forms of `questions` questions each (every question
 * type, N/A, an autofail, comments), created through the API, and answers for every question.
 */
export async function createLargeForms(
  app: TestApp,
  forms = 5,
  questions = 40,
): Promise<{ formIds: string[]; answers: Record<string, Record<string, unknown>> }> {
  const { fixtureSession } = await import("./export-fixture.js");
  const fixture = fixtureSession({ forms, questionsPerForm: questions, allAnswered: true });
  const formIds: string[] = [];
  const answers: Record<string, Record<string, unknown>> = {};
  for (const form of fixture.forms) {
    const created = await createForm(app, { name: form.name, groups: form.groups });
    formIds.push(created.id);
    answers[created.id] = fixture.answers[form.formId] ?? {};
  }
  return { formIds, answers };
}

/** alice saves every required answer of the customer-care form (the session's first save). */
export function saveBestAnswers(app: TestApp, s: SessionSetup) {
  return app.call("sessionsAnswers", {
    as: alice,
    params: { id: s.sessionId },
    headers: { "if-match": s.etag },
    body: { answers: bestAnswers(s.formId) },
  });
}

/** alice answers everything and completes; `body` is the complete request's body. */
export async function completeWithBestAnswers(app: TestApp, s: SessionSetup, body: unknown = {}) {
  const saved = await saveBestAnswers(app, s);
  return app.call("sessionsComplete", {
    as: alice,
    params: { id: s.sessionId },
    headers: { "if-match": saved.headers.etag! },
    body,
  });
}
