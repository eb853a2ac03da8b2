// POST /api/sessions/{id}/exports: a PDF, password-protected xlsx or CSV of the session as it
// is now (archived sessions included), uploaded and handed back as a short-lived download link.
import { z } from "zod";
import {
  createExport,
  exportFormatSchema,
  exportPasswordFor,
  exportPasswordSchema,
  exportViewSchema,
  requireExporter,
} from "../shared/app/exports.js";
import { loadVisibleSession } from "../shared/app/session-flow.js";
import { problemSchema } from "../shared/http/openapi.js";
import { httpFunction, json } from "../shared/registry.js";

const exportRequestSchema = z.object({
  format: exportFormatSchema,
  /** xlsx only; else the tenant's configured export password. Never stored or logged. */
  password: exportPasswordSchema.optional(),
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
  handler: async ({ principal, services, params, body }) => {
    const { stored } = await loadVisibleSession(services, principal, params.id);
    requireExporter(stored.doc, principal);
    const input = await body();
    const password = exportPasswordFor(services, [input.format], input.password);
    const created = await createExport(services, stored.doc, input.format, {
      password,
      actor: principal,
    });
    return json(201, created);
  },
});
