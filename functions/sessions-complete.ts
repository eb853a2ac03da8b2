import type { InvocationContext } from "@azure/functions";
import { z } from "zod";
import { sessionForViewer, sessionViewSchema, type Actor } from "../shared/domain/access.js";
import { AppError, type ErrorCode } from "../shared/domain/errors.js";
import { isoDateTime, type SessionDocument } from "../shared/domain/model.js";
import { complete } from "../shared/domain/session.js";
import {
  createExport,
  exportFormatSchema,
  exportPasswordFor,
  exportPasswordSchema,
  exportViewSchema,
  type ExportView,
} from "../shared/app/exports.js";
import { commitSession, loadVisibleSession, requireWorker } from "../shared/app/session-flow.js";
import { assertRevision, etagOf, requireIfMatch } from "../shared/http/etag.js";
import { DependencyUnavailableError, isTransientDependencyError } from "../shared/http/problem.js";
import { httpFunction, json } from "../shared/registry.js";
import type { Services } from "../shared/services.js";
import type { ExportFormat } from "../shared/exports/index.js";

export const notifyAgentSchema = z.object({
  dueDate: isoDateTime,
  summary: z.string().trim().min(1).max(4000),
  showScore: z.boolean(),
});

const completeSchema = z
  .object({
    notifyAgent: notifyAgentSchema.optional(),
    exports: z
      .array(exportFormatSchema)
      .max(3)
      .refine((formats) => new Set(formats).size === formats.length, "must not repeat a format")
      .optional(),
    /** For an xlsx in `exports`; else the tenant's configured export password. Never stored. */
    exportPassword: exportPasswordSchema.optional(),
  })
  .default({});

const failedExportSchema = z
  .object({
    format: exportFormatSchema,
    error: z.object({ code: z.string(), detail: z.string() }),
  })
  .meta({ id: "FailedExport" });

type FailedExport = z.infer<typeof failedExportSchema>;

/**
 * Makes each export of the stored completion. One that fails is reported, not thrown: the
 * completion is already stored and the client retries with POST .../exports.
 */
async function exportsOf(
  services: Services,
  session: SessionDocument,
  formats: readonly ExportFormat[],
  password: string | undefined,
  actor: Actor,
  context: InvocationContext,
): Promise<(ExportView | FailedExport)[]> {
  const results: (ExportView | FailedExport)[] = [];
  // One at a time: the renderers are CPU- and memory-heavy, and the response waits for all.
  for (const format of formats) {
    try {
      results.push(await createExport(services, session, format, { password, actor }));
    } catch (error) {
      const { code, detail } = describeExportFailure(error);
      // Neither the error nor this line can carry the password: renderers never put it in a message.
      context.warn(
        `session ${session.id}: the ${format} export failed (${code})`,
        error instanceof Error ? error.message : String(error),
      );
      results.push({ format, error: { code, detail } });
    }
  }
  return results;
}

function describeExportFailure(error: unknown): { code: ErrorCode; detail: string } {
  if (error instanceof AppError) return { code: error.code, detail: error.detail };
  if (error instanceof DependencyUnavailableError || isTransientDependencyError(error)) {
    return {
      code: "DEPENDENCY_UNAVAILABLE",
      detail: "The export store is unavailable; retry with POST .../exports.",
    };
  }
  return {
    code: "INTERNAL",
    detail: "The export could not be made; retry with POST .../exports.",
  };
}

export const sessionsComplete = httpFunction({
  name: "sessionsComplete",
  route: "sessions/{id}/complete",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary:
    "Complete a session (the assignee); tags the interaction Evaluated and optionally notifies the agent",
  tags: ["Sessions"],
  body: completeSchema,
  ifMatch: true,
  responses: [
    {
      status: 200,
      description: "The completed session",
      schema: z.object({
        session: sessionViewSchema,
        exports: z.array(z.union([exportViewSchema, failedExportSchema])),
      }),
    },
  ],
  handler: async ({ principal, services, params, body, request, context }) => {
    const { stored } = await loadVisibleSession(services, principal, params.id);
    requireWorker(stored.doc, principal, "assignee");
    const input = await body();
    const formats = input.exports ?? [];
    // A body 400 like the others: refused before If-Match and the state checks, nothing written.
    const password = exportPasswordFor(services, formats, input.exportPassword);
    assertRevision(requireIfMatch(request), stored.doc.revision);
    const next = complete(stored.doc, principal, input.notifyAgent, services.clock.now());
    const saved = await commitSession(services, stored, next, context);
    const exports = await exportsOf(services, saved.doc, formats, password, principal, context);
    const session = sessionForViewer(saved.doc, principal, false, services.clock.now());
    return json(200, { session, exports }, { etag: etagOf(saved.doc.revision) });
  },
});
