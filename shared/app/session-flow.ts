// The steps every session endpoint shares: read what the caller may see (404 otherwise),
// check who may act (403), write with the store's own concurrency token, then publish the
// events the write carried (the outbox). Handlers compose these around one domain operation.
import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import {
  canView,
  isAdmin,
  isAgent,
  isEvaluator,
  sessionForViewer,
  type Actor,
} from "../domain/access.js";
import { AppError, notFound } from "../domain/errors.js";
import type { SessionDocument } from "../domain/model.js";
import type { Stored } from "../ports.js";
import { etagOf } from "../http/etag.js";
import { json } from "../registry.js";
import type { Services } from "../services.js";
import { sendPending } from "./outbox.js";

export interface VisibleSession {
  stored: Stored<SessionDocument>;
  /** An agent's view shows scores only when one of its action items on the session says so. */
  showScoreToAgent: boolean;
}

/** Reads a session the caller may see, or throws 404 (missing, another tenant's, or hidden). */
export async function loadVisibleSession(
  services: Services,
  actor: Actor,
  id: string,
): Promise<VisibleSession> {
  const stored = await services.sessions.get(actor.tenantId, id);
  if (!stored || stored.doc.tenantId !== actor.tenantId) throw notFound("The session");
  const staff = isAdmin(actor) || isEvaluator(actor);
  let linked = false;
  let showScoreToAgent = false;
  if (!staff && isAgent(actor) && stored.doc.agentId === actor.userId) {
    const items = await services.actionItems.list(
      actor.tenantId,
      { agentId: actor.userId, sessionId: id },
      { limit: 50 },
    );
    linked = items.items.length > 0;
    showScoreToAgent = items.items.some((item) => item.showScore);
  }
  if (!canView(stored.doc, actor, linked)) throw notFound("The session");
  return { stored, showScoreToAgent };
}

export type WorkPermission = "assignee" | "assigneeOrAdmin";

/**
 * 403 unless the caller may work on this session. Any Evaluator (or Admin) passes for an
 * Unassigned session, so the domain can answer 409 NOT_ASSIGNED and the UI offers the claim.
 */
export function requireWorker(
  session: SessionDocument,
  actor: Actor,
  permission: WorkPermission,
): void {
  if (session.state === "Unassigned" && (isEvaluator(actor) || isAdmin(actor))) return;
  if (session.evaluatorId === actor.userId) return;
  if (permission === "assigneeOrAdmin" && isAdmin(actor)) return;
  throw new AppError("FORBIDDEN", "Only the session's evaluator may do this.");
}

/**
 * Writes the new state conditioned on the Cosmos `_etag` read before (a concurrent writer gets
 * 412, never a lost update), then publishes the events the write carried.
 */
export async function commitSession(
  services: Services,
  before: Stored<SessionDocument>,
  next: SessionDocument,
  context: InvocationContext,
): Promise<Stored<SessionDocument>> {
  const saved = await services.sessions.replace(next, before.etag);
  return publishPending(services, saved, context);
}

/**
 * Sends the session's pending events and clears them (conditionally, without changing the
 * revision). A failure here is logged, not surfaced: the change is stored with its events and
 * the outbox sweep publishes them later.
 */
export async function publishPending(
  services: Services,
  stored: Stored<SessionDocument>,
  context: InvocationContext,
): Promise<Stored<SessionDocument>> {
  const events = stored.doc.pendingEvents;
  if (events.length === 0) return stored;
  try {
    const { cleared } = await sendPending(services, stored);
    if (!cleared) {
      context.warn(
        `session ${stored.doc.id}: changed while publishing; the sweep clears its events`,
      );
    }
  } catch (error) {
    context.warn(
      `session ${stored.doc.id}: publishing ${events.length} event(s) failed; the sweep will retry`,
      error instanceof Error ? error.message : String(error),
    );
  }
  return stored;
}

/** The session as this caller may see it, with its revision as the ETag. */
export function sessionResponse(
  services: Services,
  doc: SessionDocument,
  actor: Actor,
  showScoreToAgent = false,
  status = 200,
): HttpResponseInit {
  return json(status, sessionForViewer(doc, actor, showScoreToAgent, services.clock.now()), {
    etag: etagOf(doc.revision),
  });
}
