// Who may see a session and what each viewer sees of it (API.md "Sessions", DESIGN.md
// "Security"). The handler turns `canView === false` into 404.
import { z } from "zod";
import { missingRequired } from "./scoring.js";
import { displayStatus } from "./session.js";
import {
  displayStatuses,
  isoDateTime,
  missingRequiredSchema,
  scoresSchema,
  sessionDocumentSchema,
  sessionTypes,
  type DisplayStatus,
  type FormSnapshot,
  type SessionDocument,
} from "./model.js";

/** The verified caller (shared/http/auth.ts `Principal` is assignable to it). */
export interface Actor {
  tenantId: string;
  userId: string;
  name: string;
  roles: ReadonlySet<string>;
}

export const isAdmin = (actor: Actor): boolean => actor.roles.has("QM.Administrator");
export const isEvaluator = (actor: Actor): boolean => actor.roles.has("QM.Evaluator");
export const isAgent = (actor: Actor): boolean => actor.roles.has("QM.Agent");
export const isIntegration = (actor: Actor): boolean => actor.roles.has("QM.Integration");
export const canArchive = (actor: Actor): boolean =>
  isAdmin(actor) || actor.roles.has("QM.Archive");

type Visible = Pick<SessionDocument, "tenantId" | "state" | "evaluatorId" | "agentId">;

/** Sees the session as one who works on it: Admin, the assignee, any Evaluator while Unassigned. */
export function seesAsStaff(session: Visible, actor: Actor): boolean {
  if (session.tenantId !== actor.tenantId) return false;
  if (isAdmin(actor)) return true;
  return (
    isEvaluator(actor) && (session.evaluatorId === actor.userId || session.state === "Unassigned")
  );
}

/** Sees it only as the agent, through an action item that links it. */
function seesAsAgent(session: Visible, actor: Actor, linkedByActionItem: boolean): boolean {
  return (
    session.tenantId === actor.tenantId &&
    isAgent(actor) &&
    session.agentId === actor.userId &&
    linkedByActionItem
  );
}

export function canView(session: Visible, actor: Actor, linkedByActionItem: boolean): boolean {
  return seesAsStaff(session, actor) || seesAsAgent(session, actor, linkedByActionItem);
}

// ---------- the API representation ----------

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
    hasPendingEvents: true,
  })
  .extend({
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

/** Whether this viewer may see scores: staff always, the agent only with an item's showScore. */
export function seesScores(session: Visible, actor: Actor, showScoreToAgent: boolean): boolean {
  return seesAsStaff(session, actor) || showScoreToAgent;
}

/**
 * The session as API.md shows it: `status` derived, `missingRequired` computed, and none of the
 * storage fields (tenantId, revision, the outbox). `archivedAt/By` are shown: they say who
 * archived it, which the UI's audit line needs and which reveals nothing.
 */
export function sessionForViewer(
  session: SessionDocument,
  actor: Actor,
  showScoreToAgent: boolean,
  now: Date,
): SessionView {
  const scored = seesScores(session, actor, showScoreToAgent);
  return {
    id: session.id,
    name: session.name,
    type: session.type,
    source: session.source,
    ...(session.criteria ? { criteria: session.criteria } : {}),
    ...(session.calibrationId ? { calibrationId: session.calibrationId } : {}),
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

/** What the grid needs of a session (structurally the store's SessionSummaryRecord). */
export type SessionSummarySource = Pick<
  SessionDocument,
  | "id"
  | "name"
  | "type"
  | "state"
  | "archived"
  | "evaluatorId"
  | "agentId"
  | "dueDate"
  | "lastEditedAt"
> & { tenantId?: string; interaction: { id: string; externalId: string }; score: number | null };

/** A grid row; `score` only when the caller may see it. */
export function sessionSummaryView(
  summary: SessionSummarySource,
  actor: Actor,
  showScoreToAgent: boolean,
  now: Date,
): SessionSummaryView {
  const status: DisplayStatus = displayStatus(summary, now);
  const scored = seesScores(
    { ...summary, tenantId: summary.tenantId ?? actor.tenantId },
    actor,
    showScoreToAgent,
  );
  return {
    id: summary.id,
    name: summary.name,
    type: summary.type,
    status,
    archived: summary.archived,
    evaluatorId: summary.evaluatorId,
    agentId: summary.agentId,
    interaction: { id: summary.interaction.id, externalId: summary.interaction.externalId },
    dueDate: summary.dueDate,
    ...(scored ? { score: summary.score } : {}),
    lastEditedAt: summary.lastEditedAt,
  };
}
