// Action items: the "Evaluator Message" an agent receives about an evaluation, and its thread.
import { z } from "zod";
import { isAdmin, isAgent, isEvaluator, type Actor } from "./access.js";
import { AppError } from "./errors.js";
import type { NotifyAgent } from "./events.js";
import type { ActionItem, Dispute, SessionDocument } from "./model.js";
import { accept, inputOf, type ChangeRequest, type Parsed } from "./requests.js";
import { assertWritable, authorizeWork } from "./session.js";

export interface NewActionItem {
  id: string;
  tenantId: string;
  sessionId: string;
  agentId: string;
  evaluatorId: string;
  summary: string;
  dueDate: string;
  showScore: boolean;
}

export function createActionItem(input: NewActionItem, now: Date): ActionItem {
  return {
    ...input,
    type: "EvaluatorMessage",
    status: "Open",
    responses: [],
    createdAt: now.toISOString(),
    revision: 1,
  };
}

/**
 * POST .../notify-agent: the assignee or an Administrator sends the session's agent a message,
 * at any status but never on an archived session, and never on an Unassigned one (nobody
 * evaluates it, so nobody may show the agent its score). `id` is the new item's id.
 */
export function notifyAgent(
  session: SessionDocument,
  actor: Actor,
  input: Parsed<NotifyAgent>,
  id: string,
  now: Date,
): ActionItem {
  authorizeWork(session, actor, "assigneeOrAdmin");
  const notify = inputOf(input);
  assertWritable(session);
  if (session.state === "Unassigned") {
    throw new AppError("NOT_ASSIGNED", "The session is unassigned: claim it before notifying.");
  }
  return createActionItem(
    {
      id,
      tenantId: session.tenantId,
      sessionId: session.id,
      agentId: session.agentId,
      evaluatorId: actor.userId,
      ...notify,
    },
    now,
  );
}

/** The agent it is for, the evaluator who sent it, and Administrators; nobody else sees it. */
export function canViewActionItem(item: ActionItem, actor: Actor): boolean {
  if (item.tenantId !== actor.tenantId) return false;
  return isAdmin(actor) || item.agentId === actor.userId || item.evaluatorId === actor.userId;
}

/** Which items a list shows: Admin all; an Evaluator those it sent; an Agent those it received. */
export function actionItemScope(actor: Actor): { evaluatorId?: string; agentId?: string } {
  if (isAdmin(actor)) return {};
  // Someone both Evaluator and Agent sees what they sent; agents see what they received.
  if (isEvaluator(actor)) return { evaluatorId: actor.userId };
  if (isAgent(actor)) return { agentId: actor.userId };
  return {};
}

/**
 * The session score an item shows: only when it says showScore, and only while its agent is
 * still the session's agent (after Replace Interaction the earlier agent sees no score).
 */
export function scoreOnItem(
  item: ActionItem,
  session: Pick<SessionDocument, "agentId" | "scores"> | undefined,
): number | null | undefined {
  if (!item.showScore) return undefined;
  if (session && session.agentId !== item.agentId) return undefined;
  return session?.scores.session ?? null;
}

/** A thread keeps at most this many replies, so an item stays far below the store's limit. */
export const MAX_RESPONSES = 200;

function assertOpen(item: ActionItem): void {
  if (item.status === "Closed")
    throw new AppError("ACTION_ITEM_CLOSED", "This action item is closed.");
}

export const respondSchema = z.object({ message: z.string().trim().min(1).max(4000) });
export type RespondInput = z.output<typeof respondSchema>;

/** Adds a reply to the thread; the agent's reply marks the item Responded. */
export function respond(
  item: ActionItem,
  actor: Actor,
  request: ChangeRequest<RespondInput>,
  now: Date,
): ActionItem {
  const { message } = accept(request, item.revision);
  assertOpen(item);
  if (item.responses.length >= MAX_RESPONSES) {
    throw new AppError(
      "ACTION_ITEM_FULL",
      `This action item has ${MAX_RESPONSES} replies, as many as it keeps; close it and send a new one.`,
    );
  }
  const byAgent = actor.userId === item.agentId;
  return {
    ...item,
    status: byAgent ? "Responded" : item.status,
    responses: [...item.responses, { by: actor.userId, at: now.toISOString(), message }],
    revision: item.revision + 1,
  };
}

/**
 * The outcome of a dispute, added to the agent's item by the notifications consumer: a system
 * response (Closed items and the reply cap bind users, not it), added once per `id`.
 */
export function noteDisputeOutcome(
  item: ActionItem,
  dispute: Dispute,
  id: string,
): ActionItem | undefined {
  if (!dispute.resolvedAt || !dispute.resolvedBy) return undefined;
  if (item.responses.some((response) => response.id === id)) return undefined;
  const accepted = dispute.items.filter((i) => i.decision?.outcome === "accepted").length;
  const outcome = `Dispute ${dispute.status}: ${accepted} of ${dispute.items.length} item(s) accepted.`;
  const message = dispute.resolutionComment ? `${outcome} ${dispute.resolutionComment}` : outcome;
  return {
    ...item,
    responses: [...item.responses, { id, by: dispute.resolvedBy, at: dispute.resolvedAt, message }],
    revision: item.revision + 1,
  };
}

export function close(item: ActionItem, request: ChangeRequest<unknown>): ActionItem {
  accept(request, item.revision);
  assertOpen(item);
  return { ...item, status: "Closed", revision: item.revision + 1 };
}
