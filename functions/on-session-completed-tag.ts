import { tagEvaluated } from "../shared/app/interactions.js";
import { parseCompletedEvent } from "../shared/app/messages.js";
import { eventTypes } from "../shared/domain/events.js";
import { serviceBusFunction } from "../shared/registry.js";

/** Tags the completed session's interaction Evaluated, so it is never picked again. Idempotent. */
export const onSessionCompletedTag = serviceBusFunction({
  name: "onSessionCompletedTag",
  subscriptionName: "tagging",
  subjectFilters: [eventTypes.completed],
  handler: async (message, log, services) => {
    const event = parseCompletedEvent(message);
    const tagged = await tagEvaluated(services, event);
    log.log(
      tagged
        ? `tagged interaction ${tagged} Evaluated (event ${event.id})`
        : `event ${event.id}: session ${event.data.sessionId} is not completed; nothing to tag`,
    );
  },
});
