// Calibrations (docs/api.md "Calibrations"): the document the first Calibration session of a
// `calibrationId` creates, how later sessions join it, its settings, and who may read its
// results. The statistics are calibration-results.ts's.
import { z } from "zod";
import { isAdmin, isEvaluator, type Actor } from "./access.js";
import { AppError, notFound } from "./errors.js";
import { idSchema } from "./ids.js";
import {
  formSnapshotSchema,
  isoDateTime,
  storedAnswerSchema,
  storedStates,
  type FormSnapshot,
  type SessionDocument,
} from "./model.js";
import { inputOf, type Parsed } from "./requests.js";
import type { SessionPlan } from "./session.js";

export const calibrationMemberSchema = z.object({
  evaluatorId: z.string(),
  sessionId: z.string(),
  joinedAt: isoDateTime,
});
export type CalibrationMember = z.output<typeof calibrationMemberSchema>;

/**
 * One per calibrationId (its `id`). The interaction and the form snapshots are fixed by the
 * first session; `members` is written (conditionally) before each session is created, so it is
 * what keeps one session per evaluator when joins race.
 */
export const calibrationSchema = z.object({
  id: idSchema,
  tenantId: z.string(),
  interactionId: z.string(),
  formIds: z.array(z.string()),
  forms: z.array(formSnapshotSchema),
  expertEvaluatorId: z.string().nullable(),
  blind: z.boolean(),
  members: z.array(calibrationMemberSchema),
  createdAt: isoDateTime,
  createdBy: z.string(),
});
export type Calibration = z.output<typeof calibrationSchema>;

/**
 * What the statistics read of a Calibration session (one query per calibration): no form
 * snapshots (the calibration's are the ones that count), no outbox.
 */
export const calibrationSessionSchema = z.object({
  id: z.string(),
  calibrationId: z.string(),
  evaluatorId: z.string().nullable(),
  state: z.enum(storedStates),
  archived: z.boolean(),
  dueDate: z.string(),
  completedAt: z.string().optional(),
  answers: z.record(z.string(), z.record(z.string(), storedAnswerSchema)),
  score: z.number().nullable(),
});
export type CalibrationSession = z.output<typeof calibrationSessionSchema>;

/** What the statistics read of a stored session (the stores' projection, as a function). */
export function calibrationSessionOf(
  doc: Pick<
    SessionDocument,
    | "id"
    | "calibrationId"
    | "evaluatorId"
    | "state"
    | "archived"
    | "dueDate"
    | "completedAt"
    | "answers"
    | "scores"
  >,
): CalibrationSession {
  return {
    id: doc.id,
    calibrationId: doc.calibrationId ?? "",
    evaluatorId: doc.evaluatorId,
    state: doc.state,
    archived: doc.archived,
    dueDate: doc.dueDate,
    ...(doc.completedAt !== undefined ? { completedAt: doc.completedAt } : {}),
    answers: doc.answers,
    score: doc.scores.session,
  };
}

/** Completed and not archived: the sessions that enter the statistics. */
export const isCompared = (s: Pick<CalibrationSession, "state" | "archived">): boolean =>
  s.state === "Completed" && !s.archived;

// ---------- creation and joining ----------

/** The plan of a Calibration session, with the two ids the rules of creation require. */
export type CalibrationPlan = SessionPlan & { calibrationId: string; evaluatorId: string };

export function isCalibrationPlan(plan: SessionPlan): plan is CalibrationPlan {
  return (
    plan.type === "Calibration" &&
    plan.calibrationId !== undefined &&
    plan.evaluatorId !== undefined
  );
}

/** The calibration the first session creates: its interaction and forms, default settings. */
export function newCalibration(
  plan: CalibrationPlan,
  found: { tenantId: string; interactionId: string; forms: FormSnapshot[]; sessionId: string },
  actor: Actor,
  now: Date,
): Calibration {
  const at = now.toISOString();
  return {
    id: plan.calibrationId,
    tenantId: found.tenantId,
    interactionId: found.interactionId,
    formIds: found.forms.map((form) => form.formId),
    forms: found.forms,
    expertEvaluatorId: null,
    blind: true,
    members: [{ evaluatorId: plan.evaluatorId, sessionId: found.sessionId, joinedAt: at }],
    createdAt: at,
    createdBy: actor.userId,
  };
}

export const memberOf = (
  calibration: Pick<Calibration, "members">,
  evaluatorId: string,
): CalibrationMember | undefined => calibration.members.find((m) => m.evaluatorId === evaluatorId);

export const duplicateError = () =>
  new AppError(
    "CALIBRATION_DUPLICATE",
    "This evaluator already has a session of this calibration.",
  );

/**
 * 409 CALIBRATION_MISMATCH unless a later session names the calibration's interaction
 * (a criteria pick names none) and its forms (in any order).
 */
export function assertSameSubject(calibration: Calibration, plan: SessionPlan): void {
  const sameInteraction =
    plan.interaction.mode === "manual" &&
    plan.interaction.interactionId === calibration.interactionId;
  const forms = new Set(calibration.formIds);
  const sameForms =
    plan.formIds.length === forms.size && plan.formIds.every((formId) => forms.has(formId));
  if (!sameInteraction || !sameForms) {
    throw new AppError(
      "CALIBRATION_MISMATCH",
      `Calibration ${calibration.id} is on interaction ${calibration.interactionId} with forms ` +
        `${calibration.formIds.join(", ")}; its sessions must name the same.`,
    );
  }
}

/** The calibration with the evaluator's membership added (the caller checked it is new). */
export function withMember(
  calibration: Calibration,
  member: { evaluatorId: string; sessionId: string },
  now: Date,
): Calibration {
  return {
    ...calibration,
    members: [...calibration.members, { ...member, joinedAt: now.toISOString() }],
  };
}

/**
 * The calibration with the member of `sessionId` now `evaluatorId` (an Administrator reassigned
 * that session): 409 CALIBRATION_DUPLICATE when the evaluator already has another session in
 * it; undefined when there is nothing to record (already so, or no such member).
 */
export function withMemberReassigned(
  calibration: Calibration,
  sessionId: string,
  evaluatorId: string,
): Calibration | undefined {
  const current = memberOf(calibration, evaluatorId);
  if (current && current.sessionId !== sessionId) throw duplicateError();
  if (current || !calibration.members.some((m) => m.sessionId === sessionId)) return undefined;
  return {
    ...calibration,
    members: calibration.members.map((m) =>
      m.sessionId === sessionId ? { ...m, evaluatorId } : m,
    ),
  };
}

// ---------- settings ----------

export const calibrationSettingsSchema = z.object({
  expertEvaluatorId: idSchema.nullable(),
  blind: z.boolean().default(true),
});
export type CalibrationSettings = z.output<typeof calibrationSettingsSchema>;

/**
 * PUT /api/calibrations/{id} (the handler admits Administrators only): the body (400), then an
 * expert who is not a member → 422 EXPERT_NOT_PARTICIPANT. A PUT replaces both settings.
 */
export function changeSettings(
  calibration: Calibration,
  input: Parsed<CalibrationSettings>,
): Calibration {
  const settings = inputOf(input);
  const expert = settings.expertEvaluatorId;
  if (expert !== null && !memberOf(calibration, expert)) {
    throw new AppError(
      "EXPERT_NOT_PARTICIPANT",
      `${expert} has no session in calibration ${calibration.id}; an expert must be a participant.`,
    );
  }
  return { ...calibration, expertEvaluatorId: expert, blind: settings.blind };
}

// ---------- who reads the results ----------

/**
 * GET /api/calibrations/{id}: an Administrator; an Evaluator with a session in it, but while the
 * calibration is blind only once their own session is Completed (403 CALIBRATION_NOT_SUBMITTED);
 * anyone else does not see it (404). `sessions` are the calibration's, archived ones included.
 */
export function authorizeResults(
  calibration: Pick<Calibration, "id" | "blind">,
  sessions: readonly Pick<CalibrationSession, "evaluatorId" | "state">[],
  actor: Actor,
): void {
  if (isAdmin(actor)) return;
  const own = isEvaluator(actor) ? sessions.filter((s) => s.evaluatorId === actor.userId) : [];
  if (own.length === 0) throw notFound(`Calibration ${calibration.id}`);
  if (calibration.blind && !own.some((s) => s.state === "Completed")) {
    throw new AppError(
      "CALIBRATION_NOT_SUBMITTED",
      "The calibration is blind: its results open once your own session is completed.",
    );
  }
}

/** A row of GET /api/calibrations. */
export interface CalibrationSummary {
  calibrationId: string;
  interactionId: string;
  formIds: string[];
  expertEvaluatorId: string | null;
  blind: boolean;
  participants: number;
  completed: number;
  createdAt: string;
}

export function summaryOf(
  calibration: Calibration,
  sessions: readonly Pick<CalibrationSession, "calibrationId" | "state" | "archived">[],
): CalibrationSummary {
  const own = sessions.filter((s) => s.calibrationId === calibration.id);
  return {
    calibrationId: calibration.id,
    interactionId: calibration.interactionId,
    formIds: calibration.formIds,
    expertEvaluatorId: calibration.expertEvaluatorId,
    blind: calibration.blind,
    participants: own.length,
    completed: own.filter(isCompared).length,
    createdAt: calibration.createdAt,
  };
}
