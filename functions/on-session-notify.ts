import { noteDisputeResolved, notifyOnCompletion } from "../shared/app/action-items.js";
import { parseNotificationEvent } from "../shared/app/messages.js";
import { eventTypes } from "../shared/domain/events.js";
import { serviceBusFunction } from "../shared/registry.js";

/**
 * The agent's side of an evaluation: the action item a completion's `notifyAgent` asks for,
 * and a dispute's outcome on the agent's item; each once per event.
 */
export const onSessionNotify = serviceBusFunction({
  name: "onSessionNotify",
  subscriptionName: "notifications",
  subjectFilters: [eventTypes.completed, eventTypes["dispute-resolved"]],
  handler: async (message, log, services) => {
    const event = parseNotificationEvent(message);
    if (event.type === eventTypes["dispute-resolved"]) {
      const item = await noteDisputeResolved(services, event);
      log.log(
        item
          ? `noted dispute ${event.data.disputeId} on action item ${item.id} (event ${event.id})`
          : `event ${event.id}: no showScore item of the agent to note dispute ${event.data.disputeId} on`,
      );
      return;
    }
    const result = await notifyOnCompletion(services, event);
    const verb = result?.created ? "created" : "found";
    log.log(
      result
        ? `${verb} action item ${result.item.id} for event ${event.id}`
        : `event ${event.id}: session ${event.data.sessionId} asks to notify nobody`,
    );
  },
});
