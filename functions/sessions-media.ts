// GET /api/sessions/{id}/media: a short-lived read-only link to the session's recording for
// the player (Range requests work), for whoever may read the session.
import { z } from "zod";
import { sessionMedia } from "../shared/app/sessions.js";
import { problemSchema } from "../shared/http/openapi.js";
import { json } from "../shared/http/responses.js";
import { httpFunction } from "../shared/registry.js";

const mediaLinkSchema = z
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
    const link = await sessionMedia(services, principal, params.id);
    return json(200, { url: link.url, contentType: link.contentType, expiresAt: link.expiresAt });
  },
});
