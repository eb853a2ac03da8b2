import { createHash } from "node:crypto";
import { z } from "zod";
import { idSchema } from "../shared/domain/ids.js";
import { channels, isoDateTime, type Interaction } from "../shared/domain/model.js";
import { interactionView, interactionViewSchema } from "../shared/app/views.js";
import { httpFunction, json } from "../shared/registry.js";

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

/** A write-only SAS for one PUT of the recording (`x-ms-blob-type: BlockBlob`), ≤ 15 minutes. */
const mediaUploadSchema = z.object({ url: z.url(), expiresAt: z.string() });

const ingestedSchema = interactionViewSchema
  .extend({ mediaUpload: mediaUploadSchema.optional() })
  .meta({ id: "IngestedInteraction" });

/** The same externalId always maps to the same id, so ingestion is idempotent with one point read. */
export function interactionIdFor(externalId: string): string {
  return createHash("sha256").update(externalId).digest("base64url").slice(0, 32);
}

export const interactionsCreate = httpFunction({
  name: "interactionsCreate",
  route: "interactions",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Integration"],
  summary: "Ingest an interaction (idempotent by externalId)",
  tags: ["Interactions"],
  body: interactionInputSchema,
  responses: [
    {
      status: 201,
      description: "Created; with `media`, `mediaUpload` is where to PUT the recording",
      schema: ingestedSchema,
    },
    {
      status: 200,
      description:
        "An interaction with this externalId already existed; with `media`, a fresh `mediaUpload`",
      schema: ingestedSchema,
    },
  ],
  handler: async ({ principal, services, body }) => {
    const input = await body();
    const candidate: Interaction = {
      id: interactionIdFor(input.externalId),
      tenantId: principal.tenantId,
      externalId: input.externalId,
      agentId: input.agentId,
      agentName: input.agentName ?? null,
      startedAt: input.startedAt,
      durationSeconds: input.durationSeconds,
      channel: input.channel,
      hasMedia: input.media !== undefined,
      mediaContentType: input.media?.contentType ?? null,
      tags: [],
      createdAt: services.clock.now().toISOString(),
    };
    // Signed before the write, so a signing failure leaves nothing half-ingested; a retry of
    // the same externalId gets a fresh link (the first may have expired unused).
    const mediaUpload = input.media
      ? await services.blobs.mediaUploadUrl(
          principal.tenantId,
          candidate.id,
          input.media.contentType,
        )
      : undefined;
    const { interaction, created } = await services.interactions.createIfAbsent(candidate);
    const view = interactionView(interaction);
    return json(created ? 201 : 200, mediaUpload ? { ...view, mediaUpload } : view, {
      headers: { Location: `/api/interactions/${interaction.id}` },
    });
  },
});
