// The export worker: tinypool (pool.ts) runs this module's default export in a worker thread, so
// laying out a PDF and building and encrypting a workbook never hold up the event loop that
// serves requests. Each renderer is imported on its first task, so a worker that only ever
// makes xlsx files never loads pdfmake. Built into dist/export-worker.js by scripts/build.ts.
import type { ExportInput } from "./model.js";

/** What crosses to the worker: plain data, copied by structured clone. */
export interface WorkerTask {
  format: "pdf" | "xlsx";
  input: ExportInput;
  /** xlsx only; lives in the worker for the length of the task, like any argument. */
  password?: string;
}

export default async function renderInWorker(task: WorkerTask): Promise<Uint8Array> {
  switch (task.format) {
    case "xlsx": {
      const { renderXlsx } = await import("./xlsx.js");
      return renderXlsx(task.input, task.password);
    }
    case "pdf": {
      const { renderPdf } = await import("./pdf.js");
      return renderPdf(task.input);
    }
  }
}
