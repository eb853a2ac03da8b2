// The one entry point for exports. pdf and xlsx are rendered by the export workers (pool.ts):
// exceljs and pdfmake load there, in a worker thread started by the first such export, so
// neither the event loop nor a cold start ever pays for them; keep every import below free of
// them. A CSV is a string join of a few hundred rows, cheaper than the trip to a worker, so it
// is rendered here.
import { exportFileName } from "./file-name.js";
import type { ExportInput } from "./model.js";
import { assertExportPassword } from "./password.js";
import { defaultExportPoolSettings, renderInPool, type ExportPoolSettings } from "./pool.js";

export type { ExportInput } from "./model.js";
import type { ExportFormat } from "../domain/exports.js";

export type { ExportFormat } from "../domain/exports.js";

export const exportContentTypes: Readonly<Record<ExportFormat, string>> = {
  pdf: "application/pdf",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};

export interface RenderedExport {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
}

export interface RenderOptions {
  /** Required for xlsx (8–128 characters); ignored by the other formats. Never kept. */
  password?: string;
  /** The export workers' limits (the settings of shared/config.ts); their defaults otherwise. */
  pool?: ExportPoolSettings;
}

async function render(
  format: ExportFormat,
  input: ExportInput,
  options: RenderOptions,
): Promise<Uint8Array> {
  const pool = options.pool ?? defaultExportPoolSettings;
  switch (format) {
    case "csv": {
      const { renderCsv } = await import("./csv.js");
      return renderCsv(input);
    }
    case "xlsx":
      // Refused here too, so a bad password never occupies a worker.
      assertExportPassword(options.password);
      return renderInPool({ format, input, password: options.password }, pool);
    case "pdf":
      return renderInPool({ format, input }, pool);
  }
}

/** Renders one export of a session to bytes; uploading them is the caller's job. */
export async function renderExport(
  format: ExportFormat,
  input: ExportInput,
  options: RenderOptions = {},
): Promise<RenderedExport> {
  const bytes = await render(format, input, options);
  return {
    bytes,
    contentType: exportContentTypes[format],
    fileName: exportFileName(
      input.session.name,
      input.session.id,
      input.status === "Completed",
      format,
      input.requestedVersion,
    ),
  };
}
