// The rules of exporting a session (docs/exports.md): the formats, who may export, and which
// password an xlsx gets. Rendering is shared/exports; this file loads none of it.
import { z } from "zod";
import { isAdmin, type Actor } from "./access.js";
import { AppError } from "./errors.js";
import type { SessionDocument } from "./model.js";

export const exportFormats = ["pdf", "xlsx", "csv"] as const;
export type ExportFormat = (typeof exportFormats)[number];
export const exportFormatSchema = z.enum(exportFormats);

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

/** The request's password rule (400 VALIDATION_FAILED at its path); messages never echo it. */
export const exportPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export function isValidExportPassword(password: unknown): password is string {
  return exportPasswordSchema.safeParse(password).success;
}

/**
 * 403 unless the caller is the session's evaluator or an Administrator. Unlike the work
 * endpoints, an Unassigned session lets no Evaluator through: there is no claim to offer.
 */
export function authorizeExport(session: SessionDocument, actor: Actor): void {
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
  formats: readonly ExportFormat[],
  requested: string | undefined,
  tenantDefault: string | undefined,
): string | undefined {
  if (!formats.includes("xlsx")) return undefined;
  const password = requested ?? tenantDefault;
  if (password === undefined) {
    throw new AppError(
      "EXPORT_PASSWORD_REQUIRED",
      "An xlsx export needs a password: send one, or configure the tenant's export password.",
    );
  }
  return password;
}
