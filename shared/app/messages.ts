// Topic messages are untrusted input: a message that fails its schema throws an error naming
// why, so after the maximum deliveries it lands in the dead-letter queue with that reason.
import { z } from "zod";
import {
  completedEventSchema,
  disputeResolvedEventSchema,
  eventTypes,
  type CompletedEvent,
} from "../domain/events.js";
import { idSchema } from "../domain/ids.js";
import { messageBody } from "../tracing.js";

export function parseCompletedEvent(message: unknown): CompletedEvent {
  return parseMessage(completedEventSchema, message, "completed event");
}

/** What the notifications subscription receives: completions and dispute resolutions. */
export const notificationEventSchema = z.discriminatedUnion("type", [
  completedEventSchema,
  disputeResolvedEventSchema,
]);

export function parseNotificationEvent(message: unknown) {
  return parseMessage(notificationEventSchema, message, "notification event");
}

function parseMessage<S extends z.ZodType>(schema: S, message: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(messageBody(message));
  if (!parsed.success) throw new Error(`Invalid ${what}: ${reasons(parsed.error)}`);
  return parsed.data;
}

/**
 * Which session an event of any kind is about. A consumer that reads the stored session for the
 * rest (analytics) needs only this, so it also takes events older or newer than this code.
 */
const sessionReferenceSchema = z.object({
  id: z.string().min(1),
  type: z.enum([eventTypes.completed, eventTypes.rescored, eventTypes.archived]),
  data: z.object({ tenantId: z.string().min(1), sessionId: idSchema }),
});
export type SessionReference = z.output<typeof sessionReferenceSchema>;

export function parseSessionReference(message: unknown): SessionReference {
  return parseMessage(sessionReferenceSchema, message, "session event");
}

function reasons(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(message)"}: ${i.message}`).join("; ");
}
