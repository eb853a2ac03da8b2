// A first export in a fresh process (this file, given a format): the export worker's start and
// its import of the renderer count, as at a function instance's first export.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { summarize, type Figures, type Measurement } from "./figures.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const formats = ["pdf", "xlsx"] as const;
const childResultSchema = z.object({ ms: z.number(), peakRssMb: z.number() });

/** In the child: renders once and prints the time (import + render) and the peak RSS. */
async function renderOnce(format: (typeof formats)[number]): Promise<void> {
  const { fixtureSession } = await import("../test/support/export-fixture.js");
  const { renderExport } = await import("../shared/exports/index.js");
  const session = fixtureSession({ forms: 5, questionsPerForm: 40, allAnswered: true });
  const input = { session, status: "Completed" as const, generatedAt: new Date() };
  const t0 = performance.now();
  await renderExport(format, input, { password: "bench-password-123" });
  const ms = performance.now() - t0;
  const peakRssMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes
  console.log(JSON.stringify({ ms, peakRssMb }));
}

export const exportFiles: Measurement = {
  title: "exports",
  about:
    "A fresh process renders a 5 × 40 session, all answered, as PDF or encrypted XLSX: " +
    "`exportMs` is the first export of the process (starting an export worker thread, which " +
    "imports the renderer, plus the render), `exportPeakRssMb` the process's peak RSS, the thread's included.",
  async measure({ quick }) {
    const figures: Figures = {};
    for (const format of formats) {
      const ms: number[] = [];
      const rss: number[] = [];
      for (let i = 0; i < (quick ? 3 : 5); i++) {
        const args = ["--import", "tsx", import.meta.filename, format];
        const { stdout } = await run(process.execPath, args, { cwd: root });
        const result = childResultSchema.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? ""));
        ms.push(result.ms);
        rss.push(result.peakRssMb);
      }
      figures[`exportMs.${format}`] = summarize(ms);
      figures[`exportPeakRssMb.${format}`] = summarize(rss);
    }
    return figures;
  },
};

const format = formats.find((f) => f === process.argv[2]);
if (process.argv[1] === import.meta.filename && format) await renderOnce(format);
