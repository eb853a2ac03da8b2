// POST /api/sessions/{id}/exports: a PDF, password-protected xlsx or CSV of the session as it
// is now (archived sessions included), uploaded and handed back as a short-lived download link.
import { z } from "zod";
import { exportSession } from "../shared/app/sessions.js";
import { exportFormatSchema, exportPasswordSchema } from "../shared/domain/exports.js";
import { problemSchema } from "../shared/http/openapi.js";
import { json } from "../shared/http/responses.js";
import { exportViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

const exportRequestSchema = z.object({
  format: exportFormatSchema,
  /** xlsx only; else the tenant's configured export password. Never stored or logged. */
  password: exportPasswordSchema.optional(),
  /** Export this version (a retracted one included) instead of the current one. */
  version: z.number().int().min(1).optional(),
});

export const sessionsExports = httpFunction({
  name: "sessionsExports",
  route: "sessions/{id}/exports",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary:
    "Export a session as pdf, xlsx (password-protected) or csv (the assignee or an Administrator)",
  tags: ["Sessions"],
  body: exportRequestSchema,
  responses: [
    { status: 201, description: "The export and its download link", schema: exportViewSchema },
    {
      status: 400,
      description:
        "VALIDATION_FAILED (unknown format, password outside 8–128 characters) or EXPORT_PASSWORD_REQUIRED (xlsx without a request or tenant password)",
      schema: problemSchema,
    },
  ],
  handler: async ({ principal, services, params, body }) =>
    json(201, await exportSession(services, principal, params.id, body)),
});
