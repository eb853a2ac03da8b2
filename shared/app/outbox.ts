// The outbox sweep: sessions whose events stayed pending (a crash or a broker failure between
// the write and the send) are published again. Service Bus duplicate detection (messageId =
// event id) and idempotent consumers make a second send harmless.
import type { SessionDocument } from "../domain/model.js";
import type { Stored } from "../ports.js";
import type { Services } from "../services.js";

export interface SweepResult {
  sessions: number;
  published: number;
  failed: number;
  /** Stored sessions that no longer parse: logged and skipped, the rest swept. */
  unreadable: number;
}

export const sweepBatchSize = 100;

export async function sweepOutbox(
  services: Services,
  log: { warn: (...args: unknown[]) => void },
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
      result.published += (await sendPending(services, stored)).sent;
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

/**
 * Sends a session's pending events, then clears them conditionally on the etag it was read
 * with (the revision stays). Returns how many were sent and whether the clear took; when it did
 * not, a concurrent save moved the etag, and that save's own write carries (and will clear)
 * what is left. Throws when the broker refuses.
 */
export async function sendPending(
  services: Services,
  stored: Stored<SessionDocument>,
  deadlineMs?: number,
): Promise<{ sent: number; cleared: boolean }> {
  const events = stored.doc.pendingEvents;
  if (events.length === 0) return { sent: 0, cleared: true };
  await (deadlineMs === undefined
    ? services.publisher.publish(events)
    : withDeadline(deadlineMs, (signal) => services.publisher.publish(events, { signal })));
  const cleared = await services.sessions.clearPendingEvents(
    stored.doc.tenantId,
    stored.doc.id,
    events.map((e) => e.id),
    stored.etag,
  );
  return { sent: events.length, cleared };
}
