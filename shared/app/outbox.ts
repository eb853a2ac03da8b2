// The outbox: what a session write stored with its change (events, history entries, version
// snapshots) is moved out right after the response, and by the timer's sweep for whatever a
// crash or a failing dependency left behind. Every move is idempotent: Service Bus duplicate
// detection (messageId = event id), idempotent consumers, and history and version documents
// keyed by (session, revision) and (session, version).
import type { HistoryAction, SessionDocument } from "../domain/model.js";
import { outboxSize } from "../domain/outbox.js";
import type { Logger, Stored } from "../ports.js";
import type { Services } from "../services.js";

export interface SweepResult {
  sessions: number;
  published: number;
  failed: number;
  /** Stored sessions that no longer parse: logged and skipped, the rest swept. */
  unreadable: number;
}

export const sweepBatchSize = 100;

/** Writes that change a dispute: the disputes list is projected again after them. */
const disputeActions = new Set<HistoryAction>([
  "disputeRaised",
  "disputeWithdrawn",
  "disputeResolved",
]);

/**
 * A write that finds this many history entries still pending moves them before it adds its
 * own, so a session document stays bounded even while its moves keep failing.
 */
export const MAX_PENDING_HISTORY = 20;

export async function sweepOutbox(
  services: Services,
  log: Pick<Logger, "warn">,
): Promise<SweepResult> {
  const pending = await services.sessions.withPendingEvents(sweepBatchSize);
  const result: SweepResult = {
    sessions: pending.sessions.length,
    published: 0,
    failed: 0,
    unreadable: pending.unreadable.length,
  };
  for (const { tenantId, id, reason } of pending.unreadable) {
    log.warn(`outbox: session ${id} of tenant ${tenantId} does not parse, skipped: ${reason}`);
  }
  for (const stored of pending.sessions) {
    try {
      result.published += (await moveOutbox(services, stored)).sent;
    } catch (error) {
      result.failed++;
      log.warn(
        `outbox: session ${stored.doc.id} still pending`,
        error instanceof Error ? error.message : String(error),
      );
    }
  }
  return result;
}

/**
 * Moves a session's outbox out: history entries and version snapshots to their containers,
 * events to the topic (within `deadlineMs` when given), then clears what was moved,
 * conditionally on the etag it was read with (the revision stays). Returns how many events
 * were sent and whether the clear took; when it did not, a later write moved the etag, and
 * that write's own move clears what is left. Throws when a dependency refuses.
 */
export async function moveOutbox(
  services: Services,
  stored: Stored<SessionDocument>,
  deadlineMs?: number,
): Promise<{ sent: number; cleared: boolean }> {
  const { tenantId, id, pendingEvents, pendingHistory, pendingVersions } = stored.doc;
  if (outboxSize(stored.doc) === 0) return { sent: 0, cleared: true };
  if (pendingHistory.length > 0) await services.history.add(tenantId, id, pendingHistory);
  if (pendingVersions.length > 0) await services.versions.add(tenantId, id, pendingVersions);
  if (pendingHistory.some((entry) => disputeActions.has(entry.action))) {
    await services.disputes.project(tenantId, stored.doc.disputes, stored.doc.revision);
  }
  if (pendingEvents.length > 0) {
    await (deadlineMs === undefined
      ? services.publisher.publish(pendingEvents)
      : withDeadline(deadlineMs, (signal) =>
          services.publisher.publish(pendingEvents, { signal }),
        ));
  }
  const cleared = await services.sessions.clearOutbox(
    tenantId,
    id,
    {
      eventIds: pendingEvents.map((e) => e.id),
      revisions: pendingHistory.map((h) => h.revision),
      versions: pendingVersions.map((v) => v.version),
    },
    stored.etag,
  );
  return { sent: pendingEvents.length, cleared };
}

/**
 * Runs `send` with a signal that aborts after `ms`, and rejects then even if `send` ignores
 * the signal (a publisher that cannot be interrupted still cannot hold the caller).
 */
async function withDeadline(ms: number, send: (signal: AbortSignal) => Promise<void>) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`the topic did not accept the events within ${ms} ms`));
    }, ms);
  });
  try {
    await Promise.race([send(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
