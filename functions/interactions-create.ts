import { z } from "zod";
import { ingestInteraction } from "../shared/app/interactions.js";
import { interactionInputSchema } from "../shared/domain/interactions.js";
import { json } from "../shared/http/responses.js";
import { interactionView, interactionViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

/**
 * A create-only SAS for one Put Blob of the recording (`x-ms-blob-type: BlockBlob`), ≤ 15
 * minutes: it cannot read, and cannot replace a blob that exists.
 */
const mediaUploadSchema = z.object({ url: z.url(), expiresAt: z.string() });

const ingestedSchema = interactionViewSchema
  .extend({ mediaUpload: mediaUploadSchema.optional() })
  .meta({ id: "IngestedInteraction" });

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
        "An interaction with this externalId already existed; never a `mediaUpload` (media is written once)",
      schema: ingestedSchema,
    },
  ],
  handler: async ({ principal, services, body }) => {
    const { interaction, created, mediaUpload } = await ingestInteraction(
      services,
      principal,
      body,
    );
    const view = interactionView(interaction);
    return json(created ? 201 : 200, mediaUpload ? { ...view, mediaUpload } : view, {
      headers: { Location: `/api/interactions/${interaction.id}` },
    });
  },
});
