import { createHash } from "node:crypto";
import { createActionItem } from "../shared/domain/action-items.js";
import { eventTypes } from "../shared/domain/events.js";
import { eventsTopic, parseCompletedEvent } from "../shared/app/messages.js";
import { serviceBusFunction } from "../shared/registry.js";

/** One action item per completion event: its id derives from the event id, so a redelivery finds it. */
export function actionItemIdForEvent(eventId: string): string {
  return createHash("sha256").update(`notify:${eventId}`).digest("base64url").slice(0, 40);
}

export const onSessionCompletedNotify = serviceBusFunction({
  name: "onSessionCompletedNotify",
  topicName: eventsTopic,
  subscriptionName: "notifications",
  subjectFilter: eventTypes.completed,
  handler: async (message, context, services) => {
    const event = parseCompletedEvent(message);
    const notify = event.data.notifyAgent;
    if (!notify) return;
    const item = createActionItem(
      {
        id: actionItemIdForEvent(event.id),
        tenantId: event.data.tenantId,
        sessionId: event.data.sessionId,
        agentId: event.data.agentId,
        evaluatorId: event.data.completedBy,
        summary: notify.summary,
        dueDate: notify.dueDate,
        showScore: notify.showScore,
      },
      services.clock.now(),
    );
    const { created } = await services.actionItems.createIfAbsent(item);
    context.log(`${created ? "created" : "found"} action item ${item.id} for event ${event.id}`);
  },
});
