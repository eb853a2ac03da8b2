// Makes one export of a stored session and uploads it: the step POST .../exports and complete
// with `exports` share. The password is an argument only: it reaches the renderer and nothing
// else (no log line, document, blob metadata or event carries it).
import { z } from "zod";
import { isAdmin, type Actor } from "../domain/access.js";
import { AppError } from "../domain/errors.js";
import type { SessionDocument } from "../domain/model.js";
import { displayStatus } from "../domain/session.js";
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  exportFormats,
  renderExport,
  type ExportFormat,
} from "../exports/index.js";
import type { Services } from "../services.js";

export const exportFormatSchema = z.enum(exportFormats);

/** The request's password rule (400 VALIDATION_FAILED at its path); messages never echo it. */
export const exportPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const exportViewSchema = z
  .object({
    format: exportFormatSchema,
    fileName: z.string(),
    url: z.url(),
    expiresAt: z.string(),
    sizeBytes: z.number().int().min(0),
  })
  .meta({ id: "Export" });
export type ExportView = z.infer<typeof exportViewSchema>;

/**
 * 403 unless the caller is the session's evaluator or an Administrator. Unlike the work
 * endpoints, an Unassigned session lets no Evaluator through: there is no claim to offer, and
 * the contract names only the assignee and Admin.
 */
export function requireExporter(session: SessionDocument, actor: Actor): void {
  if (isAdmin(actor)) return;
  if (session.evaluatorId !== null && session.evaluatorId === actor.userId) return;
  throw new AppError(
    "FORBIDDEN",
    "Only the session's evaluator or an Administrator may export it.",
  );
}

/**
 * The password an xlsx export will use: the request's, else the tenant's configured one;
 * 400 EXPORT_PASSWORD_REQUIRED when neither exists. Other formats need none.
 */
export function exportPasswordFor(
  services: Services,
  formats: readonly ExportFormat[],
  requested: string | undefined,
): string | undefined {
  if (!formats.includes("xlsx")) return undefined;
  const password = requested ?? services.config.EXPORT_PASSWORD;
  if (password === undefined) {
    throw new AppError(
      "EXPORT_PASSWORD_REQUIRED",
      "An xlsx export needs a password: send one, or configure the tenant's export password.",
    );
  }
  return password;
}

/** Renders the session as `format` (Expired and uncompleted states as the API shows them) and uploads it. */
export async function createExport(
  services: Services,
  session: SessionDocument,
  format: ExportFormat,
  options: { password?: string | undefined; actor?: Actor } = {},
): Promise<ExportView> {
  const now = services.clock.now();
  // The session keeps no agent name; the interaction does. A missing one shows the id instead.
  const interaction = await services.interactions.get(session.tenantId, session.interaction.id);
  const evaluatorName =
    options.actor && options.actor.userId === session.evaluatorId ? options.actor.name : undefined;
  const rendered = await renderExport(
    format,
    {
      session,
      status: displayStatus(session, now),
      generatedAt: now,
      agentName: interaction?.agentName ?? null,
      evaluatorName: evaluatorName ?? null,
    },
    options.password === undefined ? {} : { password: options.password },
  );
  const stored = await services.blobs.putExport(
    session.tenantId,
    session.id,
    rendered.fileName,
    rendered.bytes,
    rendered.contentType,
  );
  return {
    format,
    fileName: rendered.fileName,
    url: stored.url,
    expiresAt: stored.expiresAt,
    sizeBytes: stored.sizeBytes,
  };
}
