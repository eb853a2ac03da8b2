// Topic messages are untrusted input: a message that fails its schema throws an error naming
// why, so after the maximum deliveries it lands in the dead-letter queue with that reason.
import type { z } from "zod";
import { completedEventSchema } from "../domain/events.js";

/** The completion topic (Bicep creates it with this name; a drift test compares them). */
export const eventsTopic = "evaluation-sessions";

export type CompletedEvent = z.output<typeof completedEventSchema>;

export function parseCompletedEvent(message: unknown): CompletedEvent {
  const body = typeof message === "string" ? safeJson(message) : message;
  const parsed = completedEventSchema.safeParse(body);
  if (!parsed.success) {
    const reasons = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(message)"}: ${i.message}`)
      .join("; ");
    throw new Error(`Invalid completed event: ${reasons}`);
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
