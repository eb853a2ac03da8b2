import { refreshSessionAnalytics } from "../shared/app/analytics.js";
import { parseSessionReference } from "../shared/app/messages.js";
import { eventTypes } from "../shared/domain/events.js";
import { serviceBusFunction } from "../shared/registry.js";

/** Keeps the analytics read model at each counted session's current version. Idempotent. */
export const onSessionEventAnalytics = serviceBusFunction({
  name: "onSessionEventAnalytics",
  subscriptionName: "analytics",
  subjectFilters: [eventTypes.completed, eventTypes.rescored, eventTypes.archived],
  handler: async (message, log, services) => {
    const event = parseSessionReference(message);
    const { tenantId, sessionId } = event.data;
    const result = await refreshSessionAnalytics(services, tenantId, sessionId);
    log.log(
      `event ${event.id}: session ${sessionId} ${result.outcome}` +
        (result.outcome === "applied" ? ` (${result.buckets} bucket(s) written)` : ""),
    );
  },
});
