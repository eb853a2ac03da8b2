// Topic messages are untrusted input: a message that fails its schema throws an error naming
// why, so after the maximum deliveries it lands in the dead-letter queue with that reason.
import { z } from "zod";
import { completedEventSchema, eventTypes, type CompletedEvent } from "../domain/events.js";
import { idSchema } from "../domain/ids.js";

export function parseCompletedEvent(message: unknown): CompletedEvent {
  const body = typeof message === "string" ? safeJson(message) : message;
  const parsed = completedEventSchema.safeParse(body);
  if (!parsed.success) throw new Error(`Invalid completed event: ${reasons(parsed.error)}`);
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
  const body = typeof message === "string" ? safeJson(message) : message;
  const parsed = sessionReferenceSchema.safeParse(body);
  if (!parsed.success) throw new Error(`Invalid session event: ${reasons(parsed.error)}`);
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
