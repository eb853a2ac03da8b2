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
      result.published += await republish(services, stored);
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

async function republish(services: Services, stored: Stored<SessionDocument>): Promise<number> {
  const events = stored.doc.pendingEvents;
  if (events.length === 0) return 0;
  await services.publisher.publish(events);
  // A concurrent save moved the etag: its own write carries (and will clear) what is left.
  await services.sessions.clearPendingEvents(
    stored.doc.tenantId,
    stored.doc.id,
    events.map((e) => e.id),
    stored.etag,
  );
  return events.length;
}
