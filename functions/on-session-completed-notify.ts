import { notifyOnCompletion } from "../shared/app/action-items.js";
import { parseCompletedEvent } from "../shared/app/messages.js";
import { eventTypes } from "../shared/domain/events.js";
import { serviceBusFunction } from "../shared/registry.js";

/** The action item a completion's `notifyAgent` asks for, once per event. */
export const onSessionCompletedNotify = serviceBusFunction({
  name: "onSessionCompletedNotify",
  subscriptionName: "notifications",
  subjectFilters: [eventTypes.completed],
  handler: async (message, log, services) => {
    const event = parseCompletedEvent(message);
    const result = await notifyOnCompletion(services, event);
    const verb = result?.created ? "created" : "found";
    log.log(
      result
        ? `${verb} action item ${result.item.id} for event ${event.id}`
        : `event ${event.id}: session ${event.data.sessionId} asks to notify nobody`,
    );
  },
});
