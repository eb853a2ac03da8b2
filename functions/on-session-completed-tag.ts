import { tagEvaluated } from "../shared/app/interactions.js";
import { parseCompletedEvent } from "../shared/app/messages.js";
import { eventTypes } from "../shared/domain/events.js";
import { serviceBusFunction } from "../shared/registry.js";

/** Tags the completed session's interaction Evaluated, so it is never picked again. Idempotent. */
export const onSessionCompletedTag = serviceBusFunction({
  name: "onSessionCompletedTag",
  subscriptionName: "tagging",
  subjectFilter: eventTypes.completed,
  handler: async (message, log, services) => {
    const event = parseCompletedEvent(message);
    await tagEvaluated(services, event);
    log.log(`tagged interaction ${event.data.interactionId} Evaluated (event ${event.id})`);
  },
});
