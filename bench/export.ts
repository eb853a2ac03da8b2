// Time and peak memory of exporting a session of 5 forms × 40 questions, all answered.
// Each run is a fresh Node process (so the lazy import of the export library is included, as
// at a function's first export), and reports its own peak RSS.
//   npx tsx bench/export.ts [runs=5]
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";

const FORMS = 5;
const QUESTIONS = 40;
const formats = ["pdf", "xlsx", "csv"] as const;
type Format = (typeof formats)[number];

const runResultSchema = z.object({
  format: z.enum([...formats, "none"]),
  /** import of the renderer + rendering, milliseconds */
  ms: z.number(),
  /** rendering a second time in the same process (warm), milliseconds */
  warmMs: z.number(),
  peakRssMb: z.number(),
  bytes: z.number(),
});
type RunResult = z.output<typeof runResultSchema>;

async function child(format: Format | "none"): Promise<void> {
  const { fixtureSession } = await import("../test/support/export-fixture.js");
  const { renderExport } = await import("../shared/exports/index.js");
  const input = {
    session: fixtureSession({ forms: FORMS, questionsPerForm: QUESTIONS, allAnswered: true }),
    status: "Completed" as const,
    generatedAt: new Date(),
  };
  const options = { password: "bench-password-123" };
  let ms = 0;
  let warmMs = 0;
  let bytes = 0;
  if (format !== "none") {
    const t0 = performance.now();
    bytes = (await renderExport(format, input, options)).bytes.byteLength;
    ms = performance.now() - t0;
    const t1 = performance.now();
    await renderExport(format, input, options);
    warmMs = performance.now() - t1;
  }
  // maxRSS is in kilobytes.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const result: RunResult = { format, ms, warmMs, peakRssMb, bytes };
  console.log(JSON.stringify(result));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function parent(runs: number): Promise<void> {
  const run = promisify(execFile);
  const self = fileURLToPath(import.meta.url);
  console.log(`Export of ${FORMS} forms × ${QUESTIONS} questions, ${runs} fresh processes each`);
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(
    "format | median ms (import+render) | median ms (warm) | median peak RSS MB | max peak RSS MB | size KB",
  );
  for (const format of ["none", ...formats] as const) {
    const results: RunResult[] = [];
    for (let i = 0; i < runs; i++) {
      const { stdout } = await run(process.execPath, ["--import", "tsx", self, "--child", format]);
      results.push(runResultSchema.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")));
    }
    const f = (n: number) => n.toFixed(0).padStart(6);
    console.log(
      [
        format.padEnd(6),
        f(median(results.map((r) => r.ms))),
        f(median(results.map((r) => r.warmMs))),
        f(median(results.map((r) => r.peakRssMb))),
        f(Math.max(...results.map((r) => r.peakRssMb))),
        f(median(results.map((r) => r.bytes)) / 1024),
      ].join(" | "),
    );
  }
}

const args = process.argv.slice(2);
if (args[0] === "--child") {
  await child(formats.find((f) => f === args[1]) ?? "none");
} else {
  await parent(Number(args[0] ?? 5));
}
