// Topic messages are untrusted input: a message that fails its schema throws an error naming
// why, so after the maximum deliveries it lands in the dead-letter queue with that reason.
import type { z } from "zod";
import { completedEventSchema, type CompletedEvent } from "../domain/events.js";

export function parseCompletedEvent(message: unknown): CompletedEvent {
  const body = typeof message === "string" ? safeJson(message) : message;
  const parsed = completedEventSchema.safeParse(body);
  if (!parsed.success) throw new Error(`Invalid completed event: ${reasons(parsed.error)}`);
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
