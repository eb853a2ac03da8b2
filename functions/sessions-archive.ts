import { z } from "zod";
import { archiveSessions } from "../shared/app/sessions.js";
import { archiveSchema } from "../shared/domain/session.js";
import { json } from "../shared/http/responses.js";
import { httpFunction } from "../shared/registry.js";

const rejectionCodes = [
  "NOT_FOUND",
  "NOT_ARCHIVABLE",
  "ALREADY_ARCHIVED",
  "PRECONDITION_FAILED",
] as const;

export const sessionsArchive = httpFunction({
  name: "sessionsArchive",
  route: "sessions/archive",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Archive"],
  summary: "Archive Completed or Expired sessions in bulk",
  tags: ["Sessions"],
  body: archiveSchema,
  responses: [
    {
      status: 200,
      description: "Which sessions were archived and why the others were not",
      schema: z.object({
        archived: z.array(z.string()),
        rejected: z.array(z.object({ id: z.string(), code: z.enum(rejectionCodes) })),
      }),
    },
  ],
  handler: async ({ principal, services, body, log }) =>
    json(200, await archiveSessions(services, principal, body, log)),
});
