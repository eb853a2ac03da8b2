import { EVALUATED_TAG } from "../shared/domain/model.js";
import { eventTypes } from "../shared/domain/events.js";
import { parseCompletedEvent } from "../shared/app/messages.js";
import { serviceBusFunction } from "../shared/registry.js";
import { eventsTopic } from "../shared/app/messages.js";

/** Tags the completed session's interaction Evaluated, so it is never picked again. Idempotent. */
export const onSessionCompletedTag = serviceBusFunction({
  name: "onSessionCompletedTag",
  topicName: eventsTopic,
  subscriptionName: "tagging",
  subjectFilter: eventTypes.completed,
  handler: async (message, context, services) => {
    const event = parseCompletedEvent(message);
    await services.interactions.addTag(
      event.data.tenantId,
      event.data.interactionId,
      EVALUATED_TAG,
    );
    context.log(
      `tagged interaction ${event.data.interactionId} ${EVALUATED_TAG} (event ${event.id})`,
    );
  },
});
