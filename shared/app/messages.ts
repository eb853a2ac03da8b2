// Topic messages are untrusted input: a message that fails its schema throws an error naming
// why, so after the maximum deliveries it lands in the dead-letter queue with that reason.
import { z } from "zod";
import {
  completedEventSchema,
  disputeResolvedEventSchema,
  type CompletedEvent,
} from "../domain/events.js";

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
  const body = typeof message === "string" ? safeJson(message) : message;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`Invalid ${what}: ${reasons(parsed.error)}`);
  return parsed.data;
}

function reasons(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(message)"}: ${i.message}`).join("; ");
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
