// Action items: the "Evaluator Message" an agent receives about an evaluation, and its thread.
import { AppError } from "./errors.js";
import type { ActionItem } from "./model.js";

/** Who is acting (a verified token's subject). */
interface ActionItemActor {
  tenantId: string;
  userId: string;
  roles: ReadonlySet<string>;
}

const isAdmin = (actor: ActionItemActor) => actor.roles.has("QM.Administrator");

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

/** The agent it is for, the evaluator who sent it, and Administrators; nobody else sees it. */
export function canViewActionItem(item: ActionItem, actor: ActionItemActor): boolean {
  if (item.tenantId !== actor.tenantId) return false;
  return isAdmin(actor) || item.agentId === actor.userId || item.evaluatorId === actor.userId;
}

function assertOpen(item: ActionItem): void {
  if (item.status === "Closed")
    throw new AppError("ACTION_ITEM_CLOSED", "This action item is closed.");
}

/** Adds a reply to the thread; the agent's reply marks the item Responded. */
export function respond(
  item: ActionItem,
  actor: ActionItemActor,
  message: string,
  now: Date,
): ActionItem {
  assertOpen(item);
  const byAgent = actor.userId === item.agentId;
  return {
    ...item,
    status: byAgent ? "Responded" : item.status,
    responses: [...item.responses, { by: actor.userId, at: now.toISOString(), message }],
    revision: item.revision + 1,
  };
}

export function close(item: ActionItem): ActionItem {
  assertOpen(item);
  return { ...item, status: "Closed", revision: item.revision + 1 };
}
