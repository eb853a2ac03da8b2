// The one entry point for exports. exceljs, officecrypto-tool and pdfmake are loaded with a
// dynamic import() only when their format is rendered, so functions that never export do not
// pay for them at cold start; keep every import below free of them.
import { exportFileName } from "./file-name.js";
import type { ExportInput } from "./model.js";

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
}

async function render(
  format: ExportFormat,
  input: ExportInput,
  options: RenderOptions,
): Promise<Uint8Array> {
  switch (format) {
    case "csv": {
      const { renderCsv } = await import("./csv.js");
      return renderCsv(input);
    }
    case "xlsx": {
      const { renderXlsx } = await import("./xlsx.js");
      return renderXlsx(input, options.password);
    }
    case "pdf": {
      const { renderPdf } = await import("./pdf.js");
      return renderPdf(input);
    }
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
    ),
  };
}
