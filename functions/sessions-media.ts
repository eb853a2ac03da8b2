// GET /api/sessions/{id}/media: a short-lived read-only link to the session's recording for
// the player (Range requests work), for whoever may read the session.
import { z } from "zod";
import { AppError } from "../shared/domain/errors.js";
import { loadVisibleSession } from "../shared/app/session-flow.js";
import { problemSchema } from "../shared/http/openapi.js";
import { httpFunction, json } from "../shared/registry.js";

export const mediaLinkSchema = z
  .object({ url: z.url(), contentType: z.string(), expiresAt: z.string() })
  .meta({ id: "MediaLink" });

export const sessionsMedia = httpFunction({
  name: "sessionsMedia",
  route: "sessions/{id}/media",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "A read-only playback link (≤ 15 minutes) to the session's interaction media",
  tags: ["Sessions"],
  responses: [
    { status: 200, description: "The playback link", schema: mediaLinkSchema },
    {
      status: 404,
      description: "NOT_FOUND, or MEDIA_NOT_FOUND when no media was uploaded",
      schema: problemSchema,
    },
  ],
  handler: async ({ principal, services, params }) => {
    const { stored } = await loadVisibleSession(services, principal, params.id);
    const { tenantId, interaction } = stored.doc;
    // The blob is the truth, not `hasMedia`: media may be declared and never uploaded.
    const link = await services.blobs.mediaReadUrl(tenantId, interaction.id);
    if (!link) {
      throw new AppError(
        "MEDIA_NOT_FOUND",
        "No media was uploaded for this session's interaction.",
      );
    }
    return json(200, { url: link.url, contentType: link.contentType, expiresAt: link.expiresAt });
  },
});
