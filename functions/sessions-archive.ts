import { z } from "zod";
import { AppError } from "../shared/domain/errors.js";
import { idSchema } from "../shared/domain/ids.js";
import { archive, archiveCheck } from "../shared/domain/session.js";
import { commitSession } from "../shared/app/session-flow.js";
import { httpFunction, json } from "../shared/registry.js";

const archiveSchema = z.object({
  ids: z
    .array(idSchema)
    .min(1)
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat an id"),
});

const rejectionCodes = [
  "NOT_FOUND",
  "NOT_ARCHIVABLE",
  "ALREADY_ARCHIVED",
  "PRECONDITION_FAILED",
] as const;
type Rejection = { id: string; code: (typeof rejectionCodes)[number] };

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
  handler: async ({ principal, services, body, context }) => {
    const { ids } = await body();
    const archived: string[] = [];
    const rejected: Rejection[] = [];
    for (const id of ids) {
      const stored = await services.sessions.get(principal.tenantId, id);
      if (!stored) {
        rejected.push({ id, code: "NOT_FOUND" });
        continue;
      }
      const now = services.clock.now();
      const refusal = archiveCheck(stored.doc, now);
      if (refusal) {
        rejected.push({ id, code: refusal });
        continue;
      }
      try {
        await commitSession(services, stored, archive(stored.doc, principal, now), context);
        archived.push(id);
      } catch (error) {
        // Someone saved it between our read and write: report it, archive the rest.
        if (error instanceof AppError && error.code === "PRECONDITION_FAILED") {
          rejected.push({ id, code: "PRECONDITION_FAILED" });
        } else throw error;
      }
    }
    return json(200, { archived, rejected });
  },
});
