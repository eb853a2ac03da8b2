// Disputes (docs/api.md "Disputes"): an agent challenges a completed evaluation question by
// question; the session's evaluator (or an Administrator) accepts or rejects each item, and the
// accepted answers become the session's next version. A dispute lives in its session document,
// so raising, withdrawing and resolving are single session writes, atomic with the rules they
// check (revision + 1, one history entry, the event).
import { z } from "zod";
import { isAdmin, isEvaluator, type Actor } from "./access.js";
import { questionsById, sameAnswer, validateAnswer } from "./answers.js";
import { AppError, type FieldError } from "./errors.js";
import {
  disputedEvent,
  disputeResolvedEvent,
  disputeWithdrawnEvent,
  withPendingEvent,
} from "./events.js";
import { isScored } from "./forms.js";
import { idSchema } from "./ids.js";
import {
  answerSchema,
  disputeReasonCodes,
  type Answers,
  type Dispute,
  type DisputeStatus,
  type SessionDocument,
} from "./model.js";
import { DAY_MS } from "./periods.js";
import { accept, type ChangeRequest } from "./requests.js";
import { answered, assertWritable, edited, newVersion } from "./session.js";

/** The settings the dispute rules read (DISPUTE_WINDOW_DAYS, DISPUTE_MAX_PER_SESSION). */
export interface DisputeRules {
  windowDays: number;
  maxPerSession: number;
}

const comment = z.string().trim().min(1).max(2000);
const itemComment = z.string().trim().max(2000);

// ---------- what the session shows ----------

export interface DisputeState {
  openDisputeId: string | null;
  raised: number;
  remaining: number;
  windowClosesAt: string | null;
}

/** The dispute state every reader of the session sees. */
export function disputeState(doc: SessionDocument, rules: DisputeRules): DisputeState {
  const open = doc.disputes.find((d) => d.status === "Open");
  return {
    openDisputeId: open?.id ?? null,
    raised: doc.disputes.length,
    remaining: Math.max(0, rules.maxPerSession - doc.disputes.length),
    windowClosesAt: windowClosesAt(doc, rules),
  };
}

/**
 * When the agent's window to dispute the current version closes: `windowDays` after it was
 * made; null while there is no version to dispute.
 */
export function windowClosesAt(doc: SessionDocument, rules: DisputeRules): string | null {
  if (doc.state !== "Completed" || doc.version === null) return null;
  const madeAt = Date.parse(doc.versionAt ?? doc.lastEditedAt);
  return new Date(madeAt + rules.windowDays * DAY_MS).toISOString();
}

/** A dispute's id names its session: `<sessionId>_d<n>`. */
export const disputeIdOf = (sessionId: string, n: number): string => `${sessionId}_d${n}`;

/** The session a dispute id names, or undefined when it is no dispute id. */
export function sessionIdOfDispute(disputeId: string): string | undefined {
  return /^(.+)_d[1-9]\d*$/.exec(disputeId)?.[1];
}

/** Who may read a dispute: its agent, the session's evaluator, Administrators. */
export function canViewDispute(
  dispute: Dispute,
  session: Pick<SessionDocument, "tenantId" | "evaluatorId">,
  actor: Actor,
): boolean {
  if (session.tenantId !== actor.tenantId) return false;
  return isAdmin(actor) || dispute.agentId === actor.userId || session.evaluatorId === actor.userId;
}

/**
 * Which disputes a list shows: Admin all, an Evaluator those of sessions it evaluates, an Agent
 * its own (someone both Evaluator and Agent sees what they evaluated, as with action items).
 */
export function disputeScope(actor: Actor): { agentId?: string; evaluatorId?: string } {
  if (isAdmin(actor)) return {};
  if (isEvaluator(actor)) return { evaluatorId: actor.userId };
  return { agentId: actor.userId };
}

// ---------- raise ----------

export const raiseDisputeSchema = z.object({
  comment,
  items: z
    .array(
      z.object({
        formId: idSchema,
        questionId: idSchema,
        proposed: answerSchema,
        comment: itemComment.optional(),
      }),
    )
    .min(1)
    .max(50),
});
export type RaiseDisputeInput = z.output<typeof raiseDisputeSchema>;

function itemErrors(doc: SessionDocument, input: RaiseDisputeInput): FieldError[] {
  const errors: FieldError[] = [];
  const forms = new Map(doc.forms.map((form) => [form.formId, questionsById(form)]));
  const seen = new Set<string>();
  input.items.forEach((item, i) => {
    const path = `items.${i}`;
    const question = forms.get(item.formId)?.get(item.questionId);
    if (!question || !isScored(question)) {
      errors.push({ path, message: "not a scored question of the session's forms" });
      return;
    }
    const key = `${item.formId}\u0000${item.questionId}`;
    if (seen.has(key)) errors.push({ path, message: "this question is disputed twice" });
    seen.add(key);
    const invalid = validateAnswer(question, item.proposed, `${path}.proposed`);
    errors.push(...invalid);
    const current = doc.answers[item.formId]?.[item.questionId];
    if (invalid.length === 0 && current && sameAnswer(current, item.proposed)) {
      errors.push({ path: `${path}.proposed`, message: "is the current answer" });
    }
  });
  return errors;
}

/**
 * The session's agent (once its scores were shown to them) or an Administrator on the agent's
 * behalf disputes the current version. `scoresShown`: an action item of the session says
 * showScore. Checks in the contract's order: 403, 400, 428/412, then the 409s.
 */
export function raiseDispute(
  doc: SessionDocument,
  actor: Actor,
  request: ChangeRequest<RaiseDisputeInput>,
  now: Date,
  rules: DisputeRules,
  scoresShown: boolean,
): { session: SessionDocument; dispute: Dispute } {
  if (!isAdmin(actor)) {
    if (doc.agentId !== actor.userId) {
      throw new AppError("FORBIDDEN", "Only the session's agent or an Administrator disputes it.");
    }
    if (!scoresShown) {
      throw new AppError(
        "SCORES_NOT_SHARED",
        "The evaluation's scores were not shown to you, so there is nothing to dispute yet.",
      );
    }
  }
  const input = accept(request, doc.revision, (value) => itemErrors(doc, value));
  if (doc.state !== "Completed" || doc.version === null || doc.evaluatorId === null) {
    throw new AppError("SESSION_NOT_COMPLETED", "Only a completed evaluation can be disputed.");
  }
  assertWritable(doc);
  const closesAt = windowClosesAt(doc, rules);
  if (closesAt !== null && now.getTime() > Date.parse(closesAt)) {
    throw new AppError(
      "DISPUTE_WINDOW_CLOSED",
      `Disputes are taken up to ${rules.windowDays} days after the evaluation's current version.`,
    );
  }
  if (doc.disputes.some((d) => d.status === "Open")) {
    throw new AppError("DISPUTE_ALREADY_OPEN", "This session already has an open dispute.");
  }
  if (doc.disputes.length >= rules.maxPerSession) {
    throw new AppError(
      "DISPUTE_LIMIT_REACHED",
      `A session takes at most ${rules.maxPerSession} disputes, withdrawn ones included.`,
    );
  }
  const at = now.toISOString();
  const dispute: Dispute = {
    id: disputeIdOf(doc.id, doc.disputes.length + 1),
    sessionId: doc.id,
    agentId: doc.agentId,
    evaluatorId: doc.evaluatorId,
    version: doc.version,
    status: "Open",
    comment: input.comment,
    raisedAt: at,
    raisedBy: actor.userId,
    items: input.items.map((item) => ({
      formId: item.formId,
      questionId: item.questionId,
      current: doc.answers[item.formId]?.[item.questionId] ?? null,
      proposed: item.proposed,
      ...(item.comment ? { comment: item.comment } : {}),
    })),
  };
  const next = edited(doc, actor, now, { disputes: [...doc.disputes, dispute] }, "disputeRaised");
  return { session: withPendingEvent(next, disputedEvent(next, dispute)), dispute };
}

// ---------- withdraw ----------

function openDispute(doc: SessionDocument, disputeId: string): Dispute {
  const dispute = doc.disputes.find((d) => d.id === disputeId);
  if (!dispute) throw new AppError("NOT_FOUND", "The dispute was not found.");
  return dispute;
}

const closedError = () => new AppError("DISPUTE_CLOSED", "The dispute is no longer open.");

function withDispute(doc: SessionDocument, changed: Dispute): Dispute[] {
  return doc.disputes.map((d) => (d.id === changed.id ? changed : d));
}

/** The dispute's agent (or an Administrator) takes it back; it still counts toward the limit. */
export function withdrawDispute(
  doc: SessionDocument,
  disputeId: string,
  actor: Actor,
  request: ChangeRequest<unknown>,
  now: Date,
): { session: SessionDocument; dispute: Dispute } {
  const dispute = openDispute(doc, disputeId);
  if (!isAdmin(actor) && dispute.agentId !== actor.userId) {
    throw new AppError("FORBIDDEN", "Only the dispute's agent or an Administrator withdraws it.");
  }
  accept(request, doc.revision);
  if (dispute.status !== "Open") throw closedError();
  const at = now.toISOString();
  const withdrawn: Dispute = {
    ...dispute,
    status: "Withdrawn",
    withdrawnAt: at,
    withdrawnBy: actor.userId,
  };
  const next = edited(
    doc,
    actor,
    now,
    { disputes: withDispute(doc, withdrawn) },
    "disputeWithdrawn",
  );
  return {
    session: withPendingEvent(next, disputeWithdrawnEvent(next, withdrawn)),
    dispute: withdrawn,
  };
}

// ---------- resolve ----------

export const resolveDisputeSchema = z.object({
  decisions: z
    .array(
      z.object({
        formId: idSchema,
        questionId: idSchema,
        outcome: z.enum(["accepted", "rejected"]),
        reasonCode: z.enum(disputeReasonCodes),
        comment: itemComment.optional(),
      }),
    )
    .min(1)
    .max(50),
  comment: itemComment.optional(),
});
export type ResolveDisputeInput = z.output<typeof resolveDisputeSchema>;

function decisionErrors(dispute: Dispute, input: ResolveDisputeInput): FieldError[] {
  const errors: FieldError[] = [];
  const items = new Set(dispute.items.map((item) => `${item.formId}\u0000${item.questionId}`));
  const decided = new Set<string>();
  input.decisions.forEach((decision, i) => {
    const key = `${decision.formId}\u0000${decision.questionId}`;
    if (!items.has(key)) errors.push({ path: `decisions.${i}`, message: "no item of the dispute" });
    else if (decided.has(key)) errors.push({ path: `decisions.${i}`, message: "decided twice" });
    decided.add(key);
  });
  if (errors.length === 0 && decided.size !== items.size) {
    errors.push({ path: "decisions", message: "decide every item of the dispute, once" });
  }
  return errors;
}

function statusOf(accepted: number, total: number): DisputeStatus {
  if (accepted === total) return "Accepted";
  return accepted === 0 ? "Rejected" : "PartiallyAccepted";
}

/**
 * The session's evaluator (or an Administrator) decides every item. The accepted items'
 * proposed answers become the session's next version (cause `dispute`, its reason the
 * resolution's comment), even past the due date; with nothing accepted no version is made.
 * Either way one `disputeResolved` history entry records it.
 */
export function resolveDispute(
  doc: SessionDocument,
  disputeId: string,
  actor: Actor,
  request: ChangeRequest<ResolveDisputeInput>,
  now: Date,
): { session: SessionDocument; dispute: Dispute } {
  const dispute = openDispute(doc, disputeId);
  if (!isAdmin(actor) && doc.evaluatorId !== actor.userId) {
    throw new AppError(
      "FORBIDDEN",
      "Only the session's evaluator or an Administrator resolves its disputes.",
    );
  }
  const input = accept(request, doc.revision, (value) => decisionErrors(dispute, value));
  if (dispute.status !== "Open") throw closedError();

  const decisionOf = new Map(
    input.decisions.map((d) => [`${d.formId}\u0000${d.questionId}`, d] as const),
  );
  const items = dispute.items.map((item) => {
    const d = decisionOf.get(`${item.formId}\u0000${item.questionId}`);
    if (!d) return item;
    const decision = {
      outcome: d.outcome,
      reasonCode: d.reasonCode,
      ...(d.comment ? { comment: d.comment } : {}),
    };
    return { ...item, decision };
  });
  const accepted = items.filter((item) => item.decision?.outcome === "accepted");
  const at = now.toISOString();
  const resolved: Dispute = {
    ...dispute,
    items,
    status: statusOf(accepted.length, items.length),
    resolvedAt: at,
    resolvedBy: actor.userId,
    ...(input.comment ? { resolutionComment: input.comment } : {}),
    ...(accepted.length > 0 && doc.version !== null ? { resolvedVersion: doc.version + 1 } : {}),
  };
  const disputes = withDispute(doc, resolved);
  let next: SessionDocument;
  if (accepted.length === 0) {
    next = edited(doc, actor, now, { disputes }, "disputeResolved", input.comment);
  } else {
    const answers: Answers = { ...doc.answers };
    for (const item of accepted) {
      answers[item.formId] = { ...answers[item.formId], [item.questionId]: item.proposed };
    }
    const changes = { ...answered(doc.forms, answers), disputes };
    next = newVersion(doc, actor, now, changes, "dispute", input.comment, "disputeResolved");
  }
  return {
    session: withPendingEvent(next, disputeResolvedEvent(next, resolved)),
    dispute: resolved,
  };
}
