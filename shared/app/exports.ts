// Makes one export of a stored session and uploads it: the step POST .../exports and complete
// with `exports` share. The password is an argument only: it reaches the renderer and nothing
// else (no log line, document, blob metadata or event carries it).
import type { Actor } from "../domain/access.js";
import { AppError, type ErrorCode } from "../domain/errors.js";
import type { ExportFormat } from "../domain/exports.js";
import type { SessionDocument } from "../domain/model.js";
import { displayStatus } from "../domain/session.js";
import { DependencyUnavailableError, isTransientDependencyError } from "../dependency-errors.js";
import { renderExport } from "../exports/index.js";
import type { Services } from "../services.js";

/** An export made and uploaded: where to download it until `expiresAt`. */
export interface ExportResult {
  format: ExportFormat;
  fileName: string;
  url: string;
  expiresAt: string;
  sizeBytes: number;
}

/** An export that could not be made (complete reports it; the client retries it alone). */
export interface FailedExport {
  format: ExportFormat;
  error: { code: ErrorCode; detail: string };
}

export type ExportOutcome = ExportResult | FailedExport;

/** Renders the session as `format` (Expired and uncompleted states as the API shows them) and uploads it. */
export async function createExport(
  services: Services,
  session: SessionDocument,
  format: ExportFormat,
  password: string | undefined,
  actor: Actor,
  requestedVersion?: number,
): Promise<ExportResult> {
  const now = services.clock.now();
  // The session keeps no agent name; the interaction does. A missing one shows the id instead.
  const interaction = await services.interactions.get(session.tenantId, session.interaction.id);
  const rendered = await renderExport(
    format,
    {
      session,
      status: displayStatus(session, now),
      generatedAt: now,
      agentName: interaction?.agentName ?? null,
      evaluatorName: actor.userId === session.evaluatorId ? actor.name : null,
      ...(requestedVersion !== undefined ? { requestedVersion } : {}),
    },
    { ...(password === undefined ? {} : { password }), pool: services.config },
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

/** What a failed export tells the client: its code, never internals (nor the password). */
export function exportFailure(format: ExportFormat, error: unknown): FailedExport {
  if (error instanceof AppError)
    return { format, error: { code: error.code, detail: error.detail } };
  if (error instanceof DependencyUnavailableError || isTransientDependencyError(error)) {
    return {
      format,
      error: {
        code: "DEPENDENCY_UNAVAILABLE",
        detail:
          "The export workers are busy or the export store is unavailable; retry with POST .../exports.",
      },
    };
  }
  return {
    format,
    error: {
      code: "INTERNAL",
      detail: "The export could not be made; retry with POST .../exports.",
    },
  };
}
