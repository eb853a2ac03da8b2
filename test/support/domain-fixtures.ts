// Hand-written fixtures shared by the domain's unit tests: docs/api.md's example form, actors and a
// session factory. Test-only code.
import type { Actor, Role } from "../../shared/domain/access.js";
import type { AnswersPatch } from "../../shared/domain/answers.js";
import type { NotifyAgent } from "../../shared/domain/events.js";
import type {
  Criteria,
  FormSnapshot,
  InteractionRef,
  SessionDocument,
  SessionType,
} from "../../shared/domain/model.js";
import { parsed, type ChangeRequest } from "../../shared/domain/requests.js";
import * as rules from "../../shared/domain/session.js";

import { customerCareForm } from "../../dev/example-form.js";

/** The example form of docs/api.md "Forms". */
export const customerCare = customerCareForm;

export const customerCareSnapshot: FormSnapshot = {
  formId: "care",
  version: 1,
  name: customerCare.name,
  groups: customerCare.groups,
};

type Question = FormSnapshot["groups"][number]["questions"][number];

/** A form snapshot of one group holding `questions` (weight 100), for rules about one question. */
export const snapshotOf = (
  formId: string,
  questions: Question[],
  version = 1,
  name = formId,
): FormSnapshot => ({
  formId,
  version,
  name,
  groups: [{ id: "g", name: "G", weight: 100, questions }],
});

const actor = (userId: string, ...roles: Role[]): Actor => ({
  tenantId: "t1",
  userId,
  name: userId,
  roles: new Set(roles),
});

export const admin = actor("admin", "QM.Administrator");
export const alice = actor("alice", "QM.Evaluator");
export const bob = actor("bob", "QM.Evaluator");
export const agent = actor("agent1", "QM.Agent");
export const archiver = actor("keeper", "QM.Archive");
export const otherTenantAdmin: Actor = { ...admin, tenantId: "t2" };

export const interaction: InteractionRef = {
  id: "i1",
  externalId: "ext-1",
  agentId: "agent1",
  startedAt: "2026-11-01T10:00:00.000Z",
  durationSeconds: 300,
  channel: "voice",
  hasMedia: false,
};

export const T0 = new Date("2026-11-10T09:00:00.000Z");
export const DUE = "2026-12-01T00:00:00.000Z";
export const AFTER_DUE = new Date("2026-12-02T00:00:00.000Z");

export interface NewSessionOptions {
  type?: SessionType;
  evaluatorId?: string | null;
  calibrationId?: string;
  source?: "manual" | "criteria";
  criteria?: Criteria;
  forms?: FormSnapshot[];
  dueDate?: string;
  interaction?: InteractionRef;
}

/** A session as createSession makes it from a plan that passed its rules. */
export function newSession(options: NewSessionOptions = {}): SessionDocument {
  const ref = options.interaction ?? interaction;
  const forms = options.forms ?? [customerCareSnapshot];
  const evaluatorId = options.evaluatorId === undefined ? "alice" : options.evaluatorId;
  return rules.createSession(
    {
      name: "Week 48",
      type: options.type ?? "Distributed",
      formIds: forms.map((form) => form.formId),
      ...(evaluatorId !== null ? { evaluatorId } : {}),
      ...(options.calibrationId !== undefined ? { calibrationId: options.calibrationId } : {}),
      dueDate: options.dueDate ?? DUE,
      interaction:
        (options.source ?? "criteria") === "manual"
          ? { mode: "manual", interactionId: ref.id }
          : { mode: "criteria", criteria: options.criteria ?? { agentId: "agent1" } },
    },
    { id: "s1", tenantId: "t1", forms, interaction: ref },
    admin,
    T0,
  );
}

/** The settings the rules read, as a deployment with default scores and no edit reasons has. */
export const settings: rules.SessionSettings = {
  defaultScores: true,
  editReasonRequired: false,
  exportPassword: undefined,
};

/** A request as a client that read `doc` sends it: its input and doc's revision as If-Match. */
export function change<T>(doc: { revision: number }, input: T): ChangeRequest<T> {
  return { input: parsed(input), seen: doc.revision };
}

// The session operations with the request a client that read the document would send, so
// tests of the rules read as the rules do.
export const saveAnswers = (
  doc: SessionDocument,
  by: Actor,
  answers: AnswersPatch,
  showScore: boolean | undefined,
  now: Date,
) => rules.saveAnswers(doc, by, change(doc, { answers, showScore }), now, settings);

export const complete = (
  doc: SessionDocument,
  by: Actor,
  notifyAgent: NotifyAgent | undefined,
  now: Date,
) => rules.complete(doc, by, change(doc, { notifyAgent }), now, settings).session;

export const claim = (doc: SessionDocument, by: Actor, now: Date) =>
  rules.assignSession(doc, by, change(doc, {}), now);

export const assign = (doc: SessionDocument, by: Actor, evaluatorId: string, now: Date) =>
  rules.assignSession(doc, by, change(doc, { evaluatorId }), now);

export const setDefaultScores = (doc: SessionDocument, by: Actor, enabled: boolean, now: Date) =>
  rules.setDefaultScores(doc, by, change(doc, { enabled }), now, settings);

/** Replace Interaction's checks, then the replacement (eligibility is the use case's). */
export function replaceInteraction(
  doc: SessionDocument,
  by: Actor,
  next: InteractionRef,
  now: Date,
): SessionDocument {
  const search = rules.prepareReplacement(doc, by, change(doc, { interactionId: next.id }));
  rules.assertReplacement(search, next);
  return rules.replaceInteraction(doc, by, next, now);
}
