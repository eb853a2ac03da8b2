// What each viewer sees of a session (docs/api.md "Sessions", docs/security.md): the stored
// document without its storage fields, with the derived status and missing answers, and for an
// agent without a showScore item no scores, weights or autofail marks.
import type { HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { seesScores, type Actor } from "../../domain/access.js";
import {
  displayStatuses,
  isoDateTime,
  missingRequiredSchema,
  scoresSchema,
  sessionDocumentSchema,
  sessionTypes,
  type FormSnapshot,
  type SessionDocument,
} from "../../domain/model.js";
import { missingRequired } from "../../domain/scoring.js";
import { disputeState, type DisputeRules } from "../../domain/disputes.js";
import { displayStatus } from "../../domain/session.js";
import type { SessionSummaryRecord } from "../../ports.js";
import { disputeRules } from "../../app/disputes.js";
import type { Services } from "../../services.js";
import { json } from "../responses.js";

const answerOptionViewSchema = z.object({
  id: z.string(),
  label: z.string(),
  score: z.number().optional(),
  autofail: z.boolean().optional(),
});
const questionViewSchema = z.object({
  id: z.string(),
  text: z.string(),
  type: z.enum(["yesNo", "singleChoice", "multiChoice", "text"]),
  required: z.boolean(),
  weight: z.number().optional(),
  naAllowed: z.boolean(),
  answers: z.array(answerOptionViewSchema),
});
const groupViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  weight: z.number().optional(),
  questions: z.array(questionViewSchema),
});
export const sessionFormViewSchema = z
  .object({
    formId: z.string(),
    version: z.number().int(),
    name: z.string(),
    groups: z.array(groupViewSchema),
  })
  .meta({
    id: "SessionForm",
    description:
      "A form version as the session uses it; weights, answer scores and autofail marks are left out of an agent's view without showScore.",
  });
export type SessionFormView = z.output<typeof sessionFormViewSchema>;

/** The stored document without its storage fields, with the derived status and missing answers. */
export const sessionViewSchema = sessionDocumentSchema
  .omit({
    tenantId: true,
    state: true,
    forms: true,
    scores: true,
    revision: true,
    pendingEvents: true,
    pendingHistory: true,
    pendingVersions: true,
    hasPendingEvents: true,
    notifyAgent: true,
    versionAt: true,
    disputes: true,
  })
  .extend({
    dispute: z.object({
      openDisputeId: z.string().nullable(),
      raised: z.number().int(),
      remaining: z.number().int(),
      windowClosesAt: z.string().nullable(),
    }),
    status: z.enum(displayStatuses),
    forms: z.array(sessionFormViewSchema),
    scores: scoresSchema.optional(),
    missingRequired: missingRequiredSchema,
  })
  .meta({ id: "Session", description: "An evaluation session as the caller may see it." });
export type SessionView = z.output<typeof sessionViewSchema>;

/** The form without what would reveal a score: weights, answer scores and autofail marks. */
function redactForm(form: FormSnapshot): SessionFormView {
  return {
    formId: form.formId,
    version: form.version,
    name: form.name,
    groups: form.groups.map((group) => ({
      id: group.id,
      name: group.name,
      questions: group.questions.map((question) => ({
        id: question.id,
        text: question.text,
        type: question.type,
        required: question.required,
        naAllowed: question.naAllowed,
        answers: question.answers.map((option) => ({ id: option.id, label: option.label })),
      })),
    })),
  };
}

/**
 * The session as this caller may see it. `archivedAt/By` are shown: they say who archived it,
 * which the UI's audit line needs and which reveals nothing.
 */
/** What a view needs beyond the document: the time, and the settings of the dispute rules. */
export interface ViewContext {
  now: Date;
  disputes: DisputeRules;
}

export function viewContext(services: Services): ViewContext {
  return {
    now: services.clock.now(),
    disputes: disputeRules(services),
  };
}

export function sessionView(
  session: SessionDocument,
  actor: Actor,
  showScoreToAgent: boolean,
  context: ViewContext,
): SessionView {
  const { now } = context;
  const scored = seesScores(session, actor, showScoreToAgent);
  return {
    id: session.id,
    name: session.name,
    type: session.type,
    source: session.source,
    ...(session.criteria ? { criteria: session.criteria } : {}),
    ...(session.calibrationId ? { calibrationId: session.calibrationId } : {}),
    ...(session.policyId ? { policyId: session.policyId } : {}),
    ...(session.selection ? { selection: session.selection } : {}),
    status: displayStatus(session, now),
    archived: session.archived,
    ...(session.archivedAt ? { archivedAt: session.archivedAt } : {}),
    ...(session.archivedBy ? { archivedBy: session.archivedBy } : {}),
    evaluatorId: session.evaluatorId,
    agentId: session.agentId,
    interaction: session.interaction,
    dueDate: session.dueDate,
    defaultScores: session.defaultScores,
    showScore: session.showScore,
    forms: scored ? session.forms : session.forms.map(redactForm),
    answers: session.answers,
    ...(scored ? { scores: session.scores } : {}),
    missingRequired: missingRequired(session.forms, session.answers),
    createdAt: session.createdAt,
    createdBy: session.createdBy,
    lastEditedAt: session.lastEditedAt,
    lastEditedBy: session.lastEditedBy,
    ...(session.completedAt ? { completedAt: session.completedAt } : {}),
    ...(session.completedBy ? { completedBy: session.completedBy } : {}),
    version: session.version,
    dispute: disputeState(session, context.disputes),
  };
}

export const sessionSummaryViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(sessionTypes),
    status: z.enum(displayStatuses),
    archived: z.boolean(),
    evaluatorId: z.string().nullable(),
    agentId: z.string(),
    interaction: z.object({ id: z.string(), externalId: z.string() }),
    dueDate: isoDateTime,
    score: z.number().nullable().optional(),
    lastEditedAt: isoDateTime,
  })
  .meta({ id: "SessionSummary", description: "A grid row: no answers, no form bodies." });
export type SessionSummaryView = z.output<typeof sessionSummaryViewSchema>;

/** A grid row; `score` only when the caller may see it. */
export function sessionSummaryView(
  summary: SessionSummaryRecord,
  actor: Actor,
  showScoreToAgent: boolean,
  now: Date,
): SessionSummaryView {
  const scored = seesScores(
    { ...summary, tenantId: summary.tenantId ?? actor.tenantId },
    actor,
    showScoreToAgent,
  );
  return {
    id: summary.id,
    name: summary.name,
    type: summary.type,
    status: displayStatus(summary, now),
    archived: summary.archived,
    evaluatorId: summary.evaluatorId,
    agentId: summary.agentId,
    interaction: { id: summary.interaction.id, externalId: summary.interaction.externalId },
    dueDate: summary.dueDate,
    ...(scored ? { score: summary.score } : {}),
    lastEditedAt: summary.lastEditedAt,
  };
}

/** The session as the caller may see it, with its revision as the ETag. */
export function sessionResponse(
  services: Services,
  session: SessionDocument,
  actor: Actor,
  options: { showScoreToAgent?: boolean; status?: number; headers?: Record<string, string> } = {},
): HttpResponseInit {
  const context = viewContext(services);
  const view = sessionView(session, actor, options.showScoreToAgent ?? false, context);
  return json(options.status ?? 200, view, {
    revision: session.revision,
    ...(options.headers ? { headers: options.headers } : {}),
  });
}
