// The dispute use cases. A dispute lives in its session: raising, withdrawing and resolving
// load the session, call one domain operation and commit the session (one write, its history
// entry and event in the same document). The list reads the projection the outbox keeps.
import type { Actor } from "../domain/access.js";
import * as rules from "../domain/disputes.js";
import { notFound } from "../domain/errors.js";
import type { Dispute, SessionDocument } from "../domain/model.js";
import type { ChangeRequest } from "../domain/requests.js";
import type { DisputeFilter, Logger, Page, PageRequest, Stored } from "../ports.js";
import type { Services } from "../services.js";
import { commit, loadVisibleSession } from "./sessions.js";

export interface DisputeResult {
  dispute: Dispute;
  session: SessionDocument;
}

/** The settings the dispute rules read, from the parsed configuration. */
export function disputeRules({ config }: Pick<Services, "config">): rules.DisputeRules {
  return {
    windowDays: config.DISPUTE_WINDOW_DAYS,
    maxPerSession: config.DISPUTE_MAX_PER_SESSION,
  };
}

/** The session a dispute lives in and the dispute, when the caller may see it; else 404. */
async function loadDispute(
  services: Services,
  actor: Actor,
  disputeId: string,
): Promise<{ stored: Stored<SessionDocument>; dispute: Dispute }> {
  const sessionId = rules.sessionIdOfDispute(disputeId);
  const stored = sessionId ? await services.sessions.get(actor.tenantId, sessionId) : undefined;
  const dispute = stored?.doc.disputes.find((d) => d.id === disputeId);
  if (!stored || !dispute || !rules.canViewDispute(dispute, stored.doc, actor)) {
    throw notFound("The dispute");
  }
  return { stored, dispute };
}

/** Commits one change of a dispute; returns the dispute as the change left it. */
async function changeDispute(
  services: Services,
  stored: Stored<SessionDocument>,
  change: (doc: SessionDocument) => DisputeResult,
  log: Logger,
): Promise<DisputeResult> {
  let dispute: Dispute | undefined;
  const session = await commit(
    services,
    stored,
    (doc) => {
      const result = change(doc);
      dispute = result.dispute;
      return result.session;
    },
    log,
  );
  if (!dispute) throw new Error("a dispute change committed without its dispute");
  return { dispute, session };
}

export async function raiseDispute(
  services: Services,
  actor: Actor,
  sessionId: string,
  request: ChangeRequest<rules.RaiseDisputeInput>,
  log: Logger,
): Promise<DisputeResult> {
  const { stored, showScoreToAgent } = await loadVisibleSession(services, actor, sessionId);
  const now = services.clock.now();
  const settings = disputeRules(services);
  return changeDispute(
    services,
    stored,
    (doc) => rules.raiseDispute(doc, actor, request, now, settings, showScoreToAgent),
    log,
  );
}

/** Loads a dispute the caller may see and commits one domain change of it. */
async function decideOn(
  services: Services,
  actor: Actor,
  disputeId: string,
  log: Logger,
  change: (doc: SessionDocument, now: Date) => DisputeResult,
): Promise<DisputeResult> {
  const { stored } = await loadDispute(services, actor, disputeId);
  const now = services.clock.now();
  return changeDispute(services, stored, (doc) => change(doc, now), log);
}

export function withdrawDispute(
  services: Services,
  actor: Actor,
  disputeId: string,
  request: ChangeRequest<unknown>,
  log: Logger,
): Promise<DisputeResult> {
  return decideOn(services, actor, disputeId, log, (doc, now) =>
    rules.withdrawDispute(doc, disputeId, actor, request, now),
  );
}

export function resolveDispute(
  services: Services,
  actor: Actor,
  disputeId: string,
  request: ChangeRequest<rules.ResolveDisputeInput>,
  log: Logger,
): Promise<DisputeResult> {
  return decideOn(services, actor, disputeId, log, (doc, now) =>
    rules.resolveDispute(doc, disputeId, actor, request, now),
  );
}

/** A dispute as its session holds it now (the list may lag; this never does). */
export async function getDispute(
  services: Services,
  actor: Actor,
  disputeId: string,
): Promise<DisputeResult> {
  const { stored, dispute } = await loadDispute(services, actor, disputeId);
  return { dispute, session: stored.doc };
}

/** Newest first: an Agent its own, an Evaluator those of sessions it evaluates, Admin all. */
export function listDisputes(
  services: Services,
  actor: Actor,
  filter: DisputeFilter,
  page: PageRequest,
): Promise<Page<Dispute>> {
  return services.disputes.list(actor.tenantId, { ...filter, ...rules.disputeScope(actor) }, page);
}
