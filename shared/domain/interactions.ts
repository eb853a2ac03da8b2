// Ingesting an interaction (docs/api.md "Interactions"): what an integration sends, and the
// stored interaction it becomes.
import { z } from "zod";
import type { Actor } from "./access.js";
import { idSchema } from "./ids.js";
import { channels, isoDateTime, type Interaction, type InteractionRef } from "./model.js";

const mediaContentType = z
  .string()
  .max(100)
  .regex(/^(audio|video)\/[A-Za-z0-9.+-]+$/, "must be an audio/* or video/* media type");

export const interactionInputSchema = z.object({
  externalId: z.string().trim().min(1).max(200),
  agentId: idSchema,
  agentName: z.string().max(200).optional(),
  startedAt: isoDateTime,
  durationSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600),
  channel: z.enum(channels),
  media: z.object({ contentType: mediaContentType }).optional(),
});
export type InteractionInput = z.output<typeof interactionInputSchema>;

/** The interaction an ingestion creates, unless one with its id (from the externalId) exists. */
export function newInteraction(
  actor: Actor,
  input: InteractionInput,
  id: string,
  now: Date,
): Interaction {
  return {
    id,
    tenantId: actor.tenantId,
    externalId: input.externalId,
    agentId: input.agentId,
    agentName: input.agentName ?? null,
    startedAt: input.startedAt,
    durationSeconds: input.durationSeconds,
    channel: input.channel,
    hasMedia: input.media !== undefined,
    mediaContentType: input.media?.contentType ?? null,
    tags: [],
    createdAt: now.toISOString(),
    hold: null,
  };
}

/** What a session keeps of its interaction. */
export function interactionRefOf(interaction: Interaction): InteractionRef {
  const { id, externalId, agentId, startedAt, durationSeconds, channel, hasMedia } = interaction;
  return { id, externalId, agentId, startedAt, durationSeconds, channel, hasMedia };
}
