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
}

export const sweepBatchSize = 100;

export async function sweepOutbox(
  services: Services,
  log: { warn: (...args: unknown[]) => void },
): Promise<SweepResult> {
  const pending = await services.sessions.withPendingEvents(sweepBatchSize);
  const result: SweepResult = { sessions: pending.length, published: 0, failed: 0 };
  for (const stored of pending) {
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
 * Sends a session's pending events, then clears them conditionally on the etag it was read
 * with (the revision stays). Returns how many were sent and whether the clear took; when it did
 * not, a concurrent save moved the etag, and that save's own write carries (and will clear)
 * what is left. Throws when the broker refuses.
 */
export async function sendPending(
  services: Services,
  stored: Stored<SessionDocument>,
): Promise<{ sent: number; cleared: boolean }> {
  const events = stored.doc.pendingEvents;
  if (events.length === 0) return { sent: 0, cleared: true };
  await services.publisher.publish(events);
  const cleared = await services.sessions.clearPendingEvents(
    stored.doc.tenantId,
    stored.doc.id,
    events.map((e) => e.id),
    stored.etag,
  );
  return { sent: events.length, cleared };
}
