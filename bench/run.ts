// `npm run bench [-- --quick] [-- --json FILE]`: runs the measurements in order, checks their
// figures against bench/targets.ts and prints a summary; a full run (no --quick) rewrites
// docs/benchmarks.md. Benchmarks are not tests: a missed target does not fail the run.
// First, so that registering the functions prints no test-mode warning per function.
import "../test/support/quiet-functions.js";
import { writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { analyticsLag, analyticsReads } from "./analytics.js";
import { calibrationResults } from "./calibration.js";
import { coldStart } from "./cold-start.js";
import { cosmosCalls } from "./cosmos-calls.js";
import { exportFiles } from "./export.js";
import { exportLoad } from "./export-load.js";
import { formatFigure, type Figures, type Measurement } from "./figures.js";
import { policyRun } from "./policy-run.js";
import { toJson, writeBenchmarksDoc, type BenchRun } from "./report.js";
import { saveThroughput } from "./save-throughput.js";
import { scoring, storedParse } from "./domain.js";
import { checkTargets } from "./targets.js";

const measurements: Measurement[] = [
  cosmosCalls,
  scoring,
  storedParse,
  calibrationResults,
  exportFiles,
  exportLoad,
  saveThroughput,
  policyRun,
  analyticsReads,
  analyticsLag,
  coldStart,
];

const { values } = parseArgs({
  options: { quick: { type: "boolean" }, json: { type: "string" } },
});
const quick = values.quick ?? false;
const secondsSince = (t0: number) => (performance.now() - t0) / 1000;

const started = performance.now();
const figures: Figures = {};
for (const { title, measure } of measurements) {
  const t0 = performance.now();
  console.error(`bench: ${title}…`);
  Object.assign(figures, await measure({ quick }));
  console.error(`bench: ${title} done in ${secondsSince(t0).toFixed(1)} s`);
}

const run: BenchRun = {
  mode: quick ? "quick" : "full",
  measuredAt: new Date().toISOString(),
  machine: {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  },
  figures,
  targets: checkTargets(figures),
  totalSeconds: Math.round(secondsSince(started)),
};
if (values.json) await writeFile(values.json, `${JSON.stringify(toJson(run), null, 2)}\n`);
if (!quick) await writeBenchmarksDoc(run, measurements);

for (const [name, figure] of Object.entries(figures)) {
  console.log(`${name.padEnd(30)} ${formatFigure(figure)}`);
}
for (const t of run.targets) {
  console.log(`${t.met ? "met   " : "MISSED"} ${t.name}: ${t.value} (target ${t.target})`);
}
const met = run.targets.filter((t) => t.met).length;
console.log(
  `${met} of ${run.targets.length} targets met; Node ${process.version}; ${run.totalSeconds} s`,
);
