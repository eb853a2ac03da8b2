// The session state machine (docs/api.md "Sessions"): pure operations that take a document and
// a request and return the next document (revision + 1, lastEdited*), or throw AppError.
//
// Each operation runs every check in the contract's order: 403 (this caller may not act on
// this visible session) → 400 (the input) → 428/412 (the revision the caller saw) → 409 → 422.
// Visibility (404) is the use case's, which loads the session. Among the 409s the order is the
// contract's where it gives one (complete); elsewhere SESSION_ARCHIVED comes first, because an
// archived session is read-only whatever else is true of it.
// Decisions where the contract leaves room (the rescore one is also in docs/scoring.md):
// - assign refuses a Completed session (ALREADY_COMPLETED): its result belongs to the assignee
//   who completed it; an InProgress session keeps InProgress (its work is not undone).
// - saving a Completed session emits `rescored` whenever its answers changed.
// - turning default scores on or off is a save: Pending → InProgress.
import { z } from "zod";
import { canArchive, isAdmin, isEvaluator, type Actor } from "./access.js";
import {
  answersPatchSchema,
  defaultAnswers,
  mergeAnswers,
  validateAnswersPatch,
  sameAnswers,
} from "./answers.js";
import { matchesCriteria } from "./eligibility.js";
import { AppError, type FieldError } from "./errors.js";
import {
  archivedEvent,
  completedEvent,
  notifyAgentInputSchema,
  rescoredEvent,
  withPendingEvent,
} from "./events.js";
import {
  exportFormatSchema,
  exportPasswordFor,
  exportPasswordSchema,
  type ExportFormat,
} from "./exports.js";
import { idSchema } from "./ids.js";
import {
  criteriaSchema,
  isoDateTime,
  sessionTypes,
  type Answers,
  type Criteria,
  type DisplayStatus,
  type FormSnapshot,
  type HistoryAction,
  type InteractionRef,
  type Selection,
  type SessionDocument,
} from "./model.js";
import { historyEntry, versionSnapshot } from "./history.js";
import { accept, inputOf, type ChangeRequest, type Parsed } from "./requests.js";
import { missingRequired, scoreSession } from "./scoring.js";

const isPast = (iso: string, now: Date): boolean => Date.parse(iso) < now.getTime();

/** What the API shows: `Expired` for a session not completed whose due date has passed. */
export function displayStatus(
  doc: Pick<SessionDocument, "state" | "dueDate">,
  now: Date,
): DisplayStatus {
  return doc.state !== "Completed" && isPast(doc.dueDate, now) ? "Expired" : doc.state;
}

/** Who may work on a session: its assignee only, or also an Administrator. */
export type Worker = "assignee" | "assigneeOrAdmin";

/**
 * The per-session 403 of the work endpoints. While a session is Unassigned every Evaluator (and
 * Admin) who can see it passes, so that it then gets 409 NOT_ASSIGNED and the UI offers the claim.
 */
export function authorizeWork(doc: SessionDocument, actor: Actor, worker: Worker): void {
  if (doc.state === "Unassigned" && (isEvaluator(actor) || isAdmin(actor))) return;
  if (doc.evaluatorId !== null && doc.evaluatorId === actor.userId) return;
  if (worker === "assigneeOrAdmin" && isAdmin(actor)) return;
  throw new AppError("FORBIDDEN", "Only the session's evaluator may do this.");
}

const archivedError = () =>
  new AppError("SESSION_ARCHIVED", "The session is archived and can no longer be changed.");
const notAssignedError = () =>
  new AppError("NOT_ASSIGNED", "The session is unassigned: claim it before working on it.");

/** 409 SESSION_ARCHIVED for any write to an archived session. */
export function assertWritable(doc: Pick<SessionDocument, "archived">): void {
  if (doc.archived) throw archivedError();
}

/** 409 DISPUTE_OPEN: while a dispute is Open its session is frozen (answers, assign, archive). */
export function assertNoOpenDispute(doc: Pick<SessionDocument, "disputes">): void {
  if (doc.disputes.some((d) => d.status === "Open")) {
    throw new AppError("DISPUTE_OPEN", "A dispute of this session is open: resolve it first.");
  }
}

function requiredErrors(forms: readonly FormSnapshot[], answers: Answers): FieldError[] {
  return missingRequired(forms, answers).map(({ formId, questionId }) => ({
    path: `answers.${formId}.${questionId}`,
    message: "this required question is unanswered",
  }));
}

/** The settings the session rules read (shared/config.ts parses them). */
export interface SessionSettings {
  /** FEATURE_DEFAULT_SCORES */
  defaultScores: boolean;
  /** EDIT_REASON_REQUIRED: a change to a completed session's answers needs a reason. */
  editReasonRequired: boolean;
  /** EXPORT_PASSWORD: the tenant's xlsx password, if it configured one. */
  exportPassword: string | undefined;
}

/**
 * A user's write: the next revision with `changes`, stamped with who and when, and with its
 * history entry in the same document (no change is stored without its entry).
 */
export function edited(
  doc: SessionDocument,
  actor: Actor,
  now: Date,
  changes: Partial<SessionDocument>,
  action: HistoryAction,
  reason?: string,
): SessionDocument {
  const at = now.toISOString();
  const next = {
    ...doc,
    ...changes,
    revision: doc.revision + 1,
    lastEditedAt: at,
    lastEditedBy: actor.userId,
  };
  const entry = historyEntry(doc, next, action, actor.userId, at, reason);
  return { ...next, pendingHistory: [...doc.pendingHistory, entry], hasPendingEvents: true };
}

/** Answers with the scores they give. */
export function answered(
  forms: readonly FormSnapshot[],
  answers: Answers,
): Pick<SessionDocument, "answers" | "scores"> {
  return { answers, scores: scoreSession(forms, answers) };
}

// ---------- create ----------

export const createSessionSchema = z.object({
  name: z.string().trim().min(1).max(200),
  type: z.enum(sessionTypes),
  formIds: z
    .array(idSchema)
    .min(1)
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat a form"),
  evaluatorId: idSchema.optional(),
  calibrationId: idSchema.optional(),
  dueDate: isoDateTime,
  interaction: z.discriminatedUnion("mode", [
    z.object({ mode: z.literal("manual"), interactionId: idSchema }),
    z.object({ mode: z.literal("criteria"), criteria: criteriaSchema }),
  ]),
});
export type CreateSessionInput = z.output<typeof createSessionSchema>;

/** A creation request that passed its rules; the use case finds its forms and interaction. */
export type SessionPlan = Readonly<CreateSessionInput>;

function newSessionErrors(input: CreateSessionInput): FieldError[] {
  const errors: FieldError[] = [];
  if (input.type !== "Shared" && !input.evaluatorId) {
    errors.push({ path: "evaluatorId", message: `is required for ${input.type} sessions` });
  }
  if (input.type === "Shared" && input.evaluatorId) {
    errors.push({
      path: "evaluatorId",
      message: "must be absent: Shared sessions start Unassigned",
    });
  }
  if (input.type === "Calibration" && !input.calibrationId) {
    errors.push({ path: "calibrationId", message: "is required for Calibration sessions" });
  }
  if (input.type !== "Calibration" && input.calibrationId) {
    errors.push({ path: "calibrationId", message: "is only for Calibration sessions" });
  }
  return errors;
}

/**
 * The rules of a creation that need nothing stored: the input (400), then who may create it
 * (403: an Administrator; an Evaluator only an AdHoc session for itself).
 */
export function planSession(actor: Actor, input: Parsed<CreateSessionInput>): SessionPlan {
  const plan = inputOf(input, newSessionErrors);
  const selfAdHoc =
    isEvaluator(actor) && plan.type === "AdHoc" && plan.evaluatorId === actor.userId;
  if (!isAdmin(actor) && !selfAdHoc) {
    throw new AppError("FORBIDDEN", "Evaluators may only create AdHoc sessions for themselves.");
  }
  return plan;
}

/** The new session of a plan, once its forms and interaction are found. */
export function createSession(
  plan: SessionPlan,
  found: { id: string; tenantId: string; forms: FormSnapshot[]; interaction: InteractionRef },
  actor: Actor,
  now: Date,
): SessionDocument {
  const at = now.toISOString();
  const shared = plan.type === "Shared";
  const session: SessionDocument = {
    id: found.id,
    tenantId: found.tenantId,
    name: plan.name,
    type: plan.type,
    source: plan.interaction.mode,
    ...(plan.interaction.mode === "criteria" ? { criteria: plan.interaction.criteria } : {}),
    ...(plan.calibrationId !== undefined ? { calibrationId: plan.calibrationId } : {}),
    state: shared ? "Unassigned" : "Pending",
    archived: false,
    evaluatorId: shared ? null : (plan.evaluatorId ?? null),
    agentId: found.interaction.agentId,
    interaction: found.interaction,
    dueDate: plan.dueDate,
    defaultScores: false,
    showScore: false,
    forms: found.forms,
    answers: {},
    scores: scoreSession(found.forms, {}),
    createdAt: at,
    createdBy: actor.userId,
    lastEditedAt: at,
    lastEditedBy: actor.userId,
    version: null,
    revision: 1,
    disputes: [],
    pendingEvents: [],
    pendingHistory: [],
    pendingVersions: [],
    hasPendingEvents: true,
  };
  session.pendingHistory = [historyEntry(undefined, session, "created", actor.userId, at)];
  return session;
}

// ---------- assignment ----------

export const assignSchema = z.object({ evaluatorId: idSchema.optional() }).default({});
export type AssignInput = z.output<typeof assignSchema>;

/**
 * An Evaluator claims an Unassigned session (an expired one too: rules use the stored state),
 * body `{}`; an Administrator (re)assigns one that is not completed, body `{evaluatorId}`.
 */
export function assignSession(
  doc: SessionDocument,
  actor: Actor,
  request: ChangeRequest<AssignInput>,
  now: Date,
): SessionDocument {
  const { evaluatorId } = accept(request, doc.revision, (input) =>
    input.evaluatorId !== undefined && !isAdmin(actor)
      ? [
          {
            path: "evaluatorId",
            message: "only an Administrator assigns to someone else; send {} to claim",
          },
        ]
      : [],
  );
  if (evaluatorId === undefined) {
    if (!isEvaluator(actor) && !isAdmin(actor)) {
      throw new AppError("FORBIDDEN", "Only an Evaluator can claim a session.");
    }
    assertWritable(doc);
    assertNoOpenDispute(doc);
    if (doc.state !== "Unassigned") {
      throw new AppError("ALREADY_ASSIGNED", "The session is already assigned.");
    }
    return edited(doc, actor, now, { state: "Pending", evaluatorId: actor.userId }, "assigned");
  }
  assertWritable(doc);
  assertNoOpenDispute(doc);
  if (doc.state === "Completed") {
    throw new AppError("ALREADY_COMPLETED", "A completed session cannot be reassigned.");
  }
  return edited(
    doc,
    actor,
    now,
    { state: doc.state === "InProgress" ? "InProgress" : "Pending", evaluatorId },
    "assigned",
  );
}

// ---------- answers ----------

export const saveAnswersSchema = z.object({
  answers: answersPatchSchema,
  showScore: z.boolean().optional(),
  /** Why a completed session's answers change: kept on its history entry and version. */
  reason: z.string().trim().min(1).max(500).optional(),
});
export type SaveAnswersInput = z.output<typeof saveAnswersSchema>;

/**
 * Merges answers. On a Completed session a save that changes them makes the next version (and
 * a `rescored` event); one that changes nothing is recorded as answersSaved.
 */
export function saveAnswers(
  doc: SessionDocument,
  actor: Actor,
  request: ChangeRequest<SaveAnswersInput>,
  now: Date,
  settings: Pick<SessionSettings, "editReasonRequired">,
): SessionDocument {
  authorizeWork(doc, actor, "assigneeOrAdmin");
  const input = accept(
    request,
    doc.revision,
    ({ answers }) => validateAnswersPatch(doc.forms, answers),
    "Some answers do not fit the session's forms.",
  );
  assertWritable(doc);
  assertNoOpenDispute(doc);
  if (doc.state === "Unassigned") throw notAssignedError();

  const merged = mergeAnswers(doc.answers, input.answers);
  const rescores = doc.state === "Completed" && !sameAnswers(doc.answers, merged);
  // A completed evaluation keeps its answers as its version has them unless they change.
  const answers = doc.state === "Completed" && !rescores ? doc.answers : merged;
  if (doc.state === "Completed") {
    const missing = requiredErrors(doc.forms, answers);
    if (missing.length > 0) {
      throw new AppError(
        "REQUIRED_QUESTIONS_UNANSWERED",
        "A completed session must keep every required question answered.",
        missing,
      );
    }
  }
  if (rescores && settings.editReasonRequired && input.reason === undefined) {
    throw new AppError(
      "REASON_REQUIRED",
      "Changing a completed evaluation needs a reason (this deployment asks for one).",
    );
  }

  const changes = {
    ...answered(doc.forms, answers),
    state: doc.state === "Pending" ? ("InProgress" as const) : doc.state,
    ...(input.showScore !== undefined ? { showScore: input.showScore } : {}),
  };
  if (!rescores) return edited(doc, actor, now, changes, "answersSaved", input.reason);
  return newVersion(doc, actor, now, changes, "edited", input.reason);
}

/**
 * A change to a Completed session's answers: the next version (its snapshot in the same write),
 * a `rescored` history entry and a `rescored` event. The previous version is retracted by it.
 */
export function newVersion(
  doc: SessionDocument,
  actor: Actor,
  now: Date,
  changes: Partial<SessionDocument>,
  cause: "edited" | "dispute",
  reason: string | undefined,
  action: HistoryAction = "rescored",
): SessionDocument {
  const previous = doc.version ?? 1;
  const at = now.toISOString();
  const next = edited(
    doc,
    actor,
    now,
    { ...changes, version: previous + 1, versionAt: at },
    action,
    reason,
  );
  const snapshot = versionSnapshot(next, previous + 1, cause, actor.userId, at, reason);
  return withPendingEvent(
    { ...next, pendingVersions: [...next.pendingVersions, snapshot] },
    rescoredEvent(next, { score: doc.scores.session, version: previous }, cause, reason),
  );
}

// ---------- complete ----------

export const completeSchema = z
  .object({
    notifyAgent: notifyAgentInputSchema.optional(),
    exports: z
      .array(exportFormatSchema)
      .max(3)
      .refine((formats) => new Set(formats).size === formats.length, "must not repeat a format")
      .optional(),
    /** For an xlsx in `exports`; else the tenant's configured export password. Never stored. */
    exportPassword: exportPasswordSchema.optional(),
  })
  .default({});
export type CompleteInput = z.output<typeof completeSchema>;

/** A completion and the exports to make of it once it is stored. */
export interface Completion {
  session: SessionDocument;
  exports: { formats: readonly ExportFormat[]; password: string | undefined };
}

/**
 * Completes the session; nothing is written unless every check passes. The export password
 * (400 EXPORT_PASSWORD_REQUIRED) is a body check like the others, before If-Match.
 */
export function complete(
  doc: SessionDocument,
  actor: Actor,
  request: ChangeRequest<CompleteInput>,
  now: Date,
  settings: Pick<SessionSettings, "exportPassword">,
): Completion {
  authorizeWork(doc, actor, "assignee");
  const input = inputOf(request.input);
  const formats = input.exports ?? [];
  const password = exportPasswordFor(formats, input.exportPassword, settings.exportPassword);
  accept(request, doc.revision);
  if (doc.state === "Completed") {
    throw new AppError("ALREADY_COMPLETED", "The session is already completed.");
  }
  if (doc.state === "Unassigned") throw notAssignedError();
  assertWritable(doc);
  if (isPast(doc.dueDate, now)) {
    throw new AppError(
      "DUE_DATE_PASSED",
      "The due date has passed: the session can no longer be completed.",
    );
  }
  const missing = requiredErrors(doc.forms, doc.answers);
  if (missing.length > 0) {
    throw new AppError(
      "REQUIRED_QUESTIONS_UNANSWERED",
      "Every required question must be answered before completing.",
      missing,
    );
  }
  const at = now.toISOString();
  const next = edited(
    doc,
    actor,
    now,
    {
      ...answered(doc.forms, doc.answers),
      state: "Completed",
      completedAt: at,
      completedBy: actor.userId,
      ...(input.notifyAgent ? { notifyAgent: input.notifyAgent } : {}),
      version: 1,
      versionAt: at,
    },
    "completed",
  );
  const first = versionSnapshot(next, 1, "completed", actor.userId, at);
  return {
    session: withPendingEvent(
      { ...next, pendingVersions: [...next.pendingVersions, first] },
      completedEvent(next, input.notifyAgent),
    ),
    exports: { formats, password },
  };
}

// ---------- replace interaction ----------

export const replaceInteractionSchema = z
  .object({ interactionId: idSchema.optional() })
  .default({});
export type ReplaceInteractionInput = z.output<typeof replaceInteractionSchema>;

/** What a replacement may pick: an interaction matching these criteria, other than `current`. */
export interface ReplacementSearch {
  criteria: Criteria;
  current: string;
  /** The interaction the caller chose, if any. */
  chosen: string | undefined;
}

/**
 * The checks of Replace Interaction that come before a new interaction is looked up: 403,
 * 400, 412, then 409 REPLACE_NOT_ALLOWED / NOT_ASSIGNED. Returns what to look for; a chosen
 * interaction that is the current one is 422 at once.
 */
export function prepareReplacement(
  doc: SessionDocument,
  actor: Actor,
  request: ChangeRequest<ReplaceInteractionInput>,
): ReplacementSearch {
  authorizeWork(doc, actor, "assigneeOrAdmin");
  const input = accept(request, doc.revision);
  assertWritable(doc);
  if (
    doc.source === "manual" ||
    doc.type === "Calibration" ||
    doc.type === "AdHoc" ||
    doc.state === "Completed"
  ) {
    throw new AppError(
      "REPLACE_NOT_ALLOWED",
      "Only a session picked by criteria or a policy, not Calibration or AdHoc, and not completed, can replace its interaction.",
    );
  }
  if (doc.state === "Unassigned") throw notAssignedError();
  if (input.interactionId === doc.interaction.id) throw notEligible();
  return { criteria: doc.criteria ?? {}, current: doc.interaction.id, chosen: input.interactionId };
}

export const notEligible = () =>
  new AppError(
    "INTERACTION_NOT_ELIGIBLE",
    "That interaction is the current one, already used, or outside the criteria.",
  );

/** 422 unless `interaction` may replace the session's current one (eligibility aside). */
export function assertReplacement(
  search: ReplacementSearch,
  interaction: Pick<InteractionRef, "id" | "agentId" | "startedAt" | "channel" | "durationSeconds">,
): void {
  if (interaction.id === search.current || !matchesCriteria(interaction, search.criteria)) {
    throw notEligible();
  }
}

/**
 * The session on its new interaction: every answer reset, default scores off; a policy's
 * session with the selection that says why the new one was picked.
 */
export function replaceInteraction(
  doc: SessionDocument,
  actor: Actor,
  interaction: InteractionRef,
  now: Date,
  selection?: Selection,
): SessionDocument {
  return edited(
    doc,
    actor,
    now,
    {
      ...answered(doc.forms, {}),
      interaction,
      agentId: interaction.agentId,
      defaultScores: false,
      ...(selection ? { selection } : {}),
    },
    "interactionReplaced",
  );
}

// ---------- default scores ----------

export const defaultScoresSchema = z.object({ enabled: z.boolean() });
export type DefaultScoresInput = z.output<typeof defaultScoresSchema>;

export function setDefaultScores(
  doc: SessionDocument,
  actor: Actor,
  request: ChangeRequest<DefaultScoresInput>,
  now: Date,
  settings: Pick<SessionSettings, "defaultScores">,
): SessionDocument {
  if (!settings.defaultScores) {
    throw new AppError(
      "FEATURE_DISABLED",
      '"Default scores to 100%" is not enabled in this deployment.',
    );
  }
  authorizeWork(doc, actor, "assignee");
  const { enabled } = accept(request, doc.revision);
  assertWritable(doc);
  if (doc.state === "Unassigned") throw notAssignedError();
  if (doc.state === "Completed") {
    throw new AppError("SESSION_COMPLETED", "Default scores cannot change on a completed session.");
  }
  return edited(
    doc,
    actor,
    now,
    {
      ...answered(doc.forms, enabled ? defaultAnswers(doc.forms) : {}),
      state: "InProgress",
      defaultScores: enabled,
    },
    "defaultScoresChanged",
  );
}

// ---------- history and versions ----------

/**
 * Who may read a session's history and versions: Administrators and the session's evaluator
 * (an agent who may read the session may not read how its evaluation changed).
 */
export function authorizeHistory(doc: SessionDocument, actor: Actor): void {
  if (isAdmin(actor)) return;
  if (doc.evaluatorId !== null && doc.evaluatorId === actor.userId) return;
  throw new AppError(
    "FORBIDDEN",
    "Only the session's evaluator or an Administrator sees its history.",
  );
}

// ---------- archive ----------

export const archiveSchema = z.object({
  ids: z
    .array(idSchema)
    .min(1)
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat an id"),
});

export type ArchiveRefusal = "NOT_ARCHIVABLE" | "ALREADY_ARCHIVED" | "DISPUTE_OPEN";

/** Why a session cannot be archived now (the bulk endpoint's `rejected` code), or null. */
export function archiveCheck(
  doc: Pick<SessionDocument, "archived" | "state" | "dueDate" | "disputes">,
  now: Date,
): ArchiveRefusal | null {
  if (doc.archived) return "ALREADY_ARCHIVED";
  if (doc.disputes.some((d) => d.status === "Open")) return "DISPUTE_OPEN";
  const status = displayStatus(doc, now);
  return status === "Completed" || status === "Expired" ? null : "NOT_ARCHIVABLE";
}

/** Archives a Completed or Expired session; call archiveCheck first for the refusal code. */
export function archive(doc: SessionDocument, actor: Actor, now: Date): SessionDocument {
  if (!canArchive(actor)) {
    throw new AppError("FORBIDDEN", "Archiving needs the Administrator role or QM.Archive.");
  }
  const refusal = archiveCheck(doc, now);
  if (refusal === "ALREADY_ARCHIVED") throw archivedError();
  if (refusal === "DISPUTE_OPEN") assertNoOpenDispute(doc);
  if (refusal) {
    throw new AppError("CONFLICT", "Only a Completed or Expired session can be archived.");
  }
  const at = now.toISOString();
  const next = edited(
    doc,
    actor,
    now,
    { archived: true, archivedAt: at, archivedBy: actor.userId },
    "archived",
  );
  return withPendingEvent(next, archivedEvent(next));
}
