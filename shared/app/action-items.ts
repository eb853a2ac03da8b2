// The action-item use cases: visibility (404), the session score an item may show, writes with
// the item's own revision, and the item a completion event asks for.
import type { Actor } from "../domain/access.js";
import {
  actionItemScope,
  canViewActionItem,
  close,
  createActionItem,
  noteDisputeOutcome,
  respond,
  scoreOnItem,
  type RespondInput,
} from "../domain/action-items.js";
import { lostRace, notFound } from "../domain/errors.js";
import type { CompletedEvent, DisputeResolvedEvent } from "../domain/events.js";
import type { ActionItem } from "../domain/model.js";
import type { ChangeRequest } from "../domain/requests.js";
import { derivedId } from "../ids.js";
import type { Page, PageRequest, Stored } from "../ports.js";
import type { Services } from "../services.js";

/** An item with the session score it shows (`undefined`: it shows none). */
export interface ActionItemRead {
  item: ActionItem;
  score: number | null | undefined;
}

async function loadVisible(services: Services, actor: Actor, id: string) {
  const stored = await services.actionItems.get(actor.tenantId, id);
  if (!stored || !canViewActionItem(stored.doc, actor)) throw notFound("The action item");
  return stored;
}

/** Reads the session only for items that may show its score. */
export async function withScore(services: Services, item: ActionItem): Promise<ActionItemRead> {
  if (!item.showScore) return { item, score: undefined };
  const session = await services.sessions.get(item.tenantId, item.sessionId);
  return { item, score: scoreOnItem(item, session?.doc) };
}

export async function getActionItem(
  services: Services,
  actor: Actor,
  id: string,
): Promise<ActionItemRead> {
  return withScore(services, (await loadVisible(services, actor, id)).doc);
}

/** Newest first: Agent its own, Evaluator those it sent, Admin all. */
export async function listActionItems(
  services: Services,
  actor: Actor,
  status: ActionItem["status"] | undefined,
  page: PageRequest,
): Promise<Page<ActionItemRead>> {
  const found = await services.actionItems.list(
    actor.tenantId,
    { ...actionItemScope(actor), status },
    page,
  );
  const items = await Promise.all(found.items.map((item) => withScore(services, item)));
  return { items, continuationToken: found.continuationToken };
}

async function change(
  services: Services,
  stored: Stored<ActionItem>,
  next: ActionItem,
): Promise<ActionItemRead> {
  const saved = await services.actionItems.replace(next, stored.etag);
  return withScore(services, saved.doc);
}

export async function respondToActionItem(
  services: Services,
  actor: Actor,
  id: string,
  request: ChangeRequest<RespondInput>,
): Promise<ActionItemRead> {
  const stored = await loadVisible(services, actor, id);
  return change(services, stored, respond(stored.doc, actor, request, services.clock.now()));
}

export async function closeActionItem(
  services: Services,
  actor: Actor,
  id: string,
  request: ChangeRequest<unknown>,
): Promise<ActionItemRead> {
  const stored = await loadVisible(services, actor, id);
  return change(services, stored, close(stored.doc, request));
}

/** Attempts to add a dispute's outcome when other writers keep moving the item's etag. */
const NOTE_ATTEMPTS = 3;

/**
 * The notifications consumer on `dispute-resolved`: the outcome (by the resolver, its status and
 * comment) as a response on the agent's newest showScore item of the session, Closed or not,
 * added once (its id derives from the event id). Reads the session and trusts only it.
 */
export async function noteDisputeResolved(
  services: Services,
  event: DisputeResolvedEvent,
): Promise<ActionItem | undefined> {
  const { tenantId, sessionId, disputeId } = event.data;
  const session = (await services.sessions.get(tenantId, sessionId))?.doc;
  const dispute = session?.disputes.find((d) => d.id === disputeId);
  if (!session || !dispute?.resolvedAt) return undefined;
  const responseId = derivedId([`dispute-resolved:${event.id}`], 40);
  for (let attempt = 1; ; attempt++) {
    const items = await services.actionItems.list(
      tenantId,
      { agentId: dispute.agentId, sessionId },
      { limit: 50 },
    );
    const newest = items.items.find((item) => item.showScore);
    const stored = newest && (await services.actionItems.get(tenantId, newest.id));
    if (!stored) return undefined;
    const next = noteDisputeOutcome(stored.doc, dispute, responseId);
    if (!next) return stored.doc;
    try {
      return (await services.actionItems.replace(next, stored.etag)).doc;
    } catch (error) {
      if (!lostRace(error) || attempt >= NOTE_ATTEMPTS) throw error;
    }
  }
}

/** One action item per completion event: its id derives from the event id, so a redelivery finds it. */
export function actionItemIdForEvent(eventId: string): string {
  return derivedId([`notify:${eventId}`], 40);
}

/**
 * The notifications consumer: the item a completion's `notifyAgent` asks for, created once. The
 * message only says which session to look at: who gets what comes from the stored session (a
 * message that names another agent, or a session that asked for nothing, creates nothing).
 */
export async function notifyOnCompletion(
  services: Services,
  event: CompletedEvent,
): Promise<{ item: ActionItem; created: boolean } | undefined> {
  const session = (await services.sessions.get(event.data.tenantId, event.data.sessionId))?.doc;
  if (!session?.notifyAgent || session.state !== "Completed" || !session.completedBy) {
    return undefined;
  }
  const item = createActionItem(
    {
      id: actionItemIdForEvent(event.id),
      tenantId: session.tenantId,
      sessionId: session.id,
      agentId: session.agentId,
      evaluatorId: session.completedBy,
      ...session.notifyAgent,
    },
    services.clock.now(),
  );
  const { stored, created } = await services.actionItems.createIfAbsent(item);
  return { item: stored.doc, created };
}
