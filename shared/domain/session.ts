// The session state machine (DESIGN.md "Session lifecycle", API.md "Sessions"): pure operations
// that take a document and return the next one (revision + 1, lastEdited*), or throw AppError.
//
// Checks run in API.md's order: 403 (this caller may not act on this visible session) → 400 →
// 409 → 422. Visibility (404) and If-Match (412/428) are the handler's. Among the 409s the
// order is API.md's where it gives one (complete); elsewhere SESSION_ARCHIVED comes first,
// because an archived session is read-only whatever else is true of it.
// Decisions where the contract leaves room (the rescore one is also in docs/scoring.md):
// - assign refuses a Completed session (ALREADY_COMPLETED): its result belongs to the assignee
//   who completed it; an InProgress session keeps InProgress (its work is not undone).
// - saving a Completed session emits `rescored` whenever its answers changed.
// - turning default scores on or off is a save: Pending → InProgress.
import { canArchive, isAdmin, isEvaluator, type Actor } from "./access.js";
import {
  defaultAnswers,
  mergeAnswers,
  validateAnswersPatch,
  type AnswersPatch,
} from "./answers.js";
import { matchesCriteria } from "./eligibility.js";
import { AppError, validationFailed, type FieldError } from "./errors.js";
import {
  archivedEvent,
  completedEvent,
  rescoredEvent,
  withPendingEvent,
  type NotifyAgent,
} from "./events.js";
import type {
  Answers,
  Criteria,
  DisplayStatus,
  FormSnapshot,
  InteractionRef,
  SessionDocument,
  SessionType,
} from "./model.js";
import { missingRequired, scoreSession } from "./scoring.js";

const isPast = (iso: string, now: Date): boolean => Date.parse(iso) < now.getTime();

/** What the API shows: `Expired` for a session not completed whose due date has passed. */
export function displayStatus(
  doc: Pick<SessionDocument, "state" | "dueDate">,
  now: Date,
): DisplayStatus {
  return doc.state !== "Completed" && isPast(doc.dueDate, now) ? "Expired" : doc.state;
}

const isAssignee = (doc: SessionDocument, actor: Actor): boolean =>
  doc.evaluatorId !== null && doc.evaluatorId === actor.userId;

/**
 * The per-session 403 of the work endpoints. While a session is Unassigned every Evaluator (and
 * Admin) who can see it passes, so that it then gets 409 NOT_ASSIGNED and the UI offers the claim.
 */
function requireWorker(doc: SessionDocument, actor: Actor, adminAllowed: boolean): void {
  if (doc.state === "Unassigned" && (isEvaluator(actor) || isAdmin(actor))) return;
  if (isAssignee(doc, actor)) return;
  if (adminAllowed && isAdmin(actor)) return;
  throw new AppError("FORBIDDEN", "Only the session's evaluator may do this.");
}

const archivedError = () =>
  new AppError("SESSION_ARCHIVED", "The session is archived and can no longer be changed.");
const notAssignedError = () =>
  new AppError("NOT_ASSIGNED", "The session is unassigned: claim it before working on it.");

function requiredErrors(forms: readonly FormSnapshot[], answers: Answers): FieldError[] {
  return missingRequired(forms, answers).map(({ formId, questionId }) => ({
    path: `answers.${formId}.${questionId}`,
    message: "this required question is unanswered",
  }));
}

/** A user's write: the next revision with `changes`, stamped with who and when. */
function edited(
  doc: SessionDocument,
  actor: Actor,
  now: Date,
  changes: Partial<SessionDocument>,
): SessionDocument {
  return {
    ...doc,
    ...changes,
    revision: doc.revision + 1,
    lastEditedAt: now.toISOString(),
    lastEditedBy: actor.userId,
  };
}

/** Answers with the scores they give. */
function answered(
  forms: readonly FormSnapshot[],
  answers: Answers,
): Pick<SessionDocument, "answers" | "scores"> {
  return { answers, scores: scoreSession(forms, answers) };
}

// ---------- create ----------

export interface CreateSessionInput {
  id: string;
  tenantId: string;
  name: string;
  type: SessionType;
  source: "manual" | "criteria";
  criteria?: Criteria | undefined;
  calibrationId?: string | undefined;
  evaluatorId: string | null;
  interaction: InteractionRef;
  dueDate: string;
  forms: FormSnapshot[];
}

export function createSession(input: CreateSessionInput, actor: Actor, now: Date): SessionDocument {
  const selfAdHoc =
    isEvaluator(actor) && input.type === "AdHoc" && input.evaluatorId === actor.userId;
  if (!isAdmin(actor) && !selfAdHoc) {
    throw new AppError(
      "FORBIDDEN",
      "Only an Administrator creates sessions; an Evaluator only AdHoc ones for itself.",
    );
  }

  const errors: FieldError[] = [];
  if (input.type === "Shared" && input.evaluatorId !== null) {
    errors.push({ path: "evaluatorId", message: "a Shared session starts unassigned" });
  }
  if (input.type !== "Shared" && input.evaluatorId === null) {
    errors.push({ path: "evaluatorId", message: `a ${input.type} session needs an evaluator` });
  }
  if (input.type === "Calibration" && input.calibrationId === undefined) {
    errors.push({ path: "calibrationId", message: "a Calibration session needs a calibrationId" });
  }
  if (input.type !== "Calibration" && input.calibrationId !== undefined) {
    errors.push({ path: "calibrationId", message: "only Calibration sessions have one" });
  }
  if (input.source === "criteria" && input.criteria === undefined) {
    errors.push({ path: "interaction.criteria", message: "a criteria session keeps its criteria" });
  }
  if (input.forms.length === 0) errors.push({ path: "formIds", message: "at least one form" });
  const formIds = input.forms.map((form) => form.formId);
  if (new Set(formIds).size !== formIds.length) {
    errors.push({ path: "formIds", message: "a form can be used once per session" });
  }
  if (errors.length > 0) throw validationFailed(errors);

  const at = now.toISOString();
  return {
    id: input.id,
    tenantId: input.tenantId,
    name: input.name,
    type: input.type,
    source: input.source,
    ...(input.criteria !== undefined ? { criteria: input.criteria } : {}),
    ...(input.calibrationId !== undefined ? { calibrationId: input.calibrationId } : {}),
    state: input.type === "Shared" ? "Unassigned" : "Pending",
    archived: false,
    evaluatorId: input.type === "Shared" ? null : input.evaluatorId,
    agentId: input.interaction.agentId,
    interaction: input.interaction,
    dueDate: input.dueDate,
    defaultScores: false,
    showScore: false,
    forms: input.forms,
    answers: {},
    scores: scoreSession(input.forms, {}),
    createdAt: at,
    createdBy: actor.userId,
    lastEditedAt: at,
    lastEditedBy: actor.userId,
    revision: 1,
    pendingEvents: [],
    hasPendingEvents: false,
  };
}

// ---------- assignment ----------

/** An Evaluator takes an Unassigned session (an expired one too: rules use the stored state). */
export function claim(doc: SessionDocument, actor: Actor, now: Date): SessionDocument {
  if (!isEvaluator(actor) && !isAdmin(actor)) {
    throw new AppError("FORBIDDEN", "Only an Evaluator can claim a session.");
  }
  if (doc.archived) throw archivedError();
  if (doc.state !== "Unassigned") {
    throw new AppError("ALREADY_ASSIGNED", "The session is already assigned.");
  }
  return edited(doc, actor, now, { state: "Pending", evaluatorId: actor.userId });
}

/** An Administrator (re)assigns a session that is not completed. */
export function assign(
  doc: SessionDocument,
  actor: Actor,
  evaluatorId: string,
  now: Date,
): SessionDocument {
  if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "Only an Administrator assigns sessions.");
  if (doc.archived) throw archivedError();
  if (doc.state === "Completed") {
    throw new AppError("ALREADY_COMPLETED", "A completed session cannot be reassigned.");
  }
  return edited(doc, actor, now, {
    state: doc.state === "InProgress" ? "InProgress" : "Pending",
    evaluatorId,
  });
}

// ---------- answers ----------

/** Deep equality of two answer sets (the same answers in any key order). */
export function sameAnswers(a: Answers, b: Answers): boolean {
  const canonical = (answers: Answers) =>
    JSON.stringify(
      Object.keys(answers)
        .sort()
        .map((formId) => {
          const form = answers[formId] ?? {};
          return [
            formId,
            Object.keys(form)
              .sort()
              .map((q) => [q, form[q]]),
          ];
        }),
    );
  return canonical(a) === canonical(b);
}

export function saveAnswers(
  doc: SessionDocument,
  actor: Actor,
  patch: AnswersPatch,
  showScore: boolean | undefined,
  now: Date,
): SessionDocument {
  requireWorker(doc, actor, true);
  const invalid = validateAnswersPatch(doc.forms, patch);
  if (invalid.length > 0) throw validationFailed(invalid);
  if (doc.archived) throw archivedError();
  if (doc.state === "Unassigned") throw notAssignedError();

  const answers = mergeAnswers(doc.answers, patch);
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

  const next = edited(doc, actor, now, {
    ...answered(doc.forms, answers),
    state: doc.state === "Pending" ? "InProgress" : doc.state,
    ...(showScore !== undefined ? { showScore } : {}),
  });
  if (doc.state === "Completed" && !sameAnswers(doc.answers, answers)) {
    return withPendingEvent(next, rescoredEvent(next, doc.scores.session));
  }
  return next;
}

// ---------- complete ----------

export function complete(
  doc: SessionDocument,
  actor: Actor,
  notifyAgent: NotifyAgent | undefined,
  now: Date,
): SessionDocument {
  requireWorker(doc, actor, false);
  if (doc.state === "Completed") {
    throw new AppError("ALREADY_COMPLETED", "The session is already completed.");
  }
  if (doc.state === "Unassigned") throw notAssignedError();
  if (doc.archived) throw archivedError();
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
  const next = edited(doc, actor, now, {
    ...answered(doc.forms, doc.answers),
    state: "Completed",
    completedAt: at,
    completedBy: actor.userId,
  });
  return withPendingEvent(next, completedEvent(next, notifyAgent));
}

// ---------- replace interaction ----------

/** The rules of replace that do not depend on the new interaction (403/409). */
export function assertCanReplaceInteraction(doc: SessionDocument, actor: Actor): void {
  requireWorker(doc, actor, true);
  if (doc.archived) throw archivedError();
  if (
    doc.source !== "criteria" ||
    doc.type === "Calibration" ||
    doc.type === "AdHoc" ||
    doc.state === "Completed"
  ) {
    throw new AppError(
      "REPLACE_NOT_ALLOWED",
      "Only a session picked by criteria, not Calibration or AdHoc, and not completed, can replace its interaction.",
    );
  }
  if (doc.state === "Unassigned") throw notAssignedError();
}

/**
 * The rule checks and the reset; finding an eligible interaction (and 409
 * NO_MATCHING_INTERACTION) is the handler's, with eligibility.ts. With `dryRun` only the
 * rules that do not depend on the new interaction run and the document comes back unchanged,
 * so a handler can refuse before it looks an interaction up.
 */
export function replaceInteraction(
  doc: SessionDocument,
  actor: Actor,
  interaction: InteractionRef,
  now: Date,
  options: { dryRun?: boolean } = {},
): SessionDocument {
  assertCanReplaceInteraction(doc, actor);
  if (options.dryRun === true) return doc;
  if (interaction.id === doc.interaction.id) {
    throw new AppError("INTERACTION_NOT_ELIGIBLE", "That is the session's current interaction.");
  }
  if (doc.criteria && !matchesCriteria(interaction, doc.criteria)) {
    throw new AppError(
      "INTERACTION_NOT_ELIGIBLE",
      "The interaction does not match the session's criteria.",
    );
  }
  return edited(doc, actor, now, {
    ...answered(doc.forms, {}),
    interaction,
    agentId: interaction.agentId,
    defaultScores: false,
  });
}

// ---------- default scores ----------

export function setDefaultScores(
  doc: SessionDocument,
  actor: Actor,
  enabled: boolean,
  now: Date,
): SessionDocument {
  requireWorker(doc, actor, false);
  if (doc.archived) throw archivedError();
  if (doc.state === "Unassigned") throw notAssignedError();
  if (doc.state === "Completed") {
    throw new AppError("SESSION_COMPLETED", "Default scores cannot change on a completed session.");
  }
  return edited(doc, actor, now, {
    ...answered(doc.forms, enabled ? defaultAnswers(doc.forms) : {}),
    state: "InProgress",
    defaultScores: enabled,
  });
}

// ---------- archive ----------

export type ArchiveRefusal = "NOT_ARCHIVABLE" | "ALREADY_ARCHIVED";

/** Why a session cannot be archived now (the bulk endpoint's `rejected` code), or null. */
export function archiveCheck(
  doc: Pick<SessionDocument, "archived" | "state" | "dueDate">,
  now: Date,
): ArchiveRefusal | null {
  if (doc.archived) return "ALREADY_ARCHIVED";
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
  if (refusal)
    throw new AppError("CONFLICT", "Only a Completed or Expired session can be archived.");
  const at = now.toISOString();
  const next = edited(doc, actor, now, {
    archived: true,
    archivedAt: at,
    archivedBy: actor.userId,
  });
  return withPendingEvent(next, archivedEvent(next));
}
