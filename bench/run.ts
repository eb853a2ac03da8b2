// `npm run bench [-- --quick] [-- --json FILE]`: every figure of docs/benchmarks.md, each a median
// of several runs with its spread, measured on this machine. A full run (no --quick) rewrites
// docs/benchmarks.md. Benchmarks are not tests: nothing here fails on a slow machine, but the
// summary says which targets hold.
// First, so that registering the functions (for the Cosmos call counts) does not print a test-mode
// warning per function between the progress lines.
import "../test/support/quiet-functions.js";
import { execFile } from "node:child_process";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { z } from "zod";
import { measureColdStart } from "./cold-start.js";
import { measureCosmosCalls } from "./cosmos-calls.js";
import { measureLoad, measureSaveLoad } from "./load.js";
import { profileSaves } from "./profile-save.js";
import { measureScoring } from "./scoring.js";
import { measureStoredParse } from "./stored-parse.js";
import { runtimeOf } from "./runtime.js";
import { measureWakeUp } from "./wake-up.js";
import { formatSummary, summarize, type Summary } from "./stats.js";
import { targetsOf, writeBenchmarksDoc } from "./report.js";

const root = resolve(import.meta.dirname, "..");
const run = promisify(execFile);

const { values } = parseArgs({
  options: { quick: { type: "boolean" }, json: { type: "string" } },
});
const quick = values.quick ?? false;
const plan = quick
  ? { coldRuns: 5, loadRuns: 5, loadSeconds: 1.5, completes: 40, scoringRuns: 3, exportRuns: 3 }
  : { coldRuns: 7, loadRuns: 9, loadSeconds: 3, completes: 500, scoringRuns: 7, exportRuns: 5 };

const runtime = runtimeOf();
if (!runtime.deployed) {
  console.log(
    `bench: on Node ${runtime.node}; the service deploys on Node ${runtime.deployedNodeMajor} ` +
      "(infra/main.bicep), on which the absolute figures differ. On Linux x64, `npm run bench:node22` runs this on it.",
  );
}

const exportRunSchema = z.object({ ms: z.number(), peakRssMb: z.number(), bytes: z.number() });

/** bench/export.ts in child mode: a fresh process renders once and reports time and peak RSS. */
async function measureExport(format: "pdf" | "xlsx", runs: number) {
  const ms: number[] = [];
  const rss: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "bench/export.ts", "--child", format],
      { cwd: root },
    );
    const r = exportRunSchema.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
    ms.push(r.ms);
    rss.push(r.peakRssMb);
    bytes = r.bytes;
  }
  return { ms: summarize(ms), peakRssMb: summarize(rss), bytes };
}

const log = (line: string) => console.error(line);
const started = performance.now();
const step = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  log(`bench: ${name}…`);
  const result = await f();
  log(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return result;
};

const cosmos = await step("Cosmos calls", measureCosmosCalls);
const scoring = await step("scoring", () => measureScoring(plan.scoringRuns));
const storedParse = await step("stored-session parse", () => measureStoredParse(plan.scoringRuns));
const pdf = await step("PDF export", () => measureExport("pdf", plan.exportRuns));
const xlsx = await step("encrypted XLSX export", () => measureExport("xlsx", plan.exportRuns));
const wakeUp = await step("wake-up cost of a response write", () => measureWakeUp(3));
const loadPlan = { runs: plan.loadRuns, seconds: plan.loadSeconds, connections: 10 };
const load = await step("HTTP load, typical session (Customer care form)", () =>
  measureLoad({ ...loadPlan, shape: "typical", completes: plan.completes }),
);
const loadLarge = await step("HTTP saves, large session (5 × 40)", () =>
  measureSaveLoad({ ...loadPlan, shape: "large" }),
);
const cold = await step("cold start", () => measureColdStart(plan.coldRuns));
// A full run also shows where a save's time goes (CPU profiles; about half a minute).
const saveProfile = quick
  ? undefined
  : await step("save profile, typical session", async () => {
      const dir = await mkdtemp(join(tmpdir(), "qm-profile-"));
      try {
        const { profileFiles: _files, ...profile } = await profileSaves("typical", 20_000, dir);
        return profile;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

const results = {
  mode: quick ? "quick" : "full",
  measuredAt: new Date().toISOString(),
  machine: {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    freeMemoryGb: Math.round(freemem() / 2 ** 30),
    node: runtime.node,
    deployedNodeMajor: runtime.deployedNodeMajor,
    platform: `${process.platform}/${process.arch}`,
  },
  coldStartRatio: cold.ratio.median,
  coldStart: cold,
  cosmosCallsPerGet: cosmos.cosmosCallsPerGet,
  cosmosCallsPerSave: cosmos.cosmosCallsPerSave,
  cosmosCallsPerComplete: cosmos.cosmosCallsPerComplete,
  cosmosCallsPerSaveCompleted: cosmos.cosmosCallsPerSaveCompleted,
  cosmosCallsPerGridPage: cosmos.cosmosCallsPerGridPage,
  gridQueryCrossPartition: cosmos.gridQueryCrossPartition,
  sessionDocBytes: cosmos.sessionDocBytes,
  cosmos,
  /** On the typical session (API.md's one-form example); the target applies to this one. */
  saveVsHealthThroughput: load.saveVsHealthThroughput.median,
  /** The save-shaped no-op ÷ the no-op: the most a save can reach here; reported, no target. */
  saveShapedNoopVsHealthThroughput: load.saveShapedNoopVsHealthThroughput.median,
  /** The save ÷ the save-shaped no-op: the service's own share; reported, no target. */
  saveVsSaveShapedNoop: load.saveVsSaveShapedNoop.median,
  /** On the 5 × 40 session; reported, no target. */
  saveVsHealthThroughputLarge: loadLarge.saveVsHealthThroughput.median,
  /** 412 responses to saves, both sessions together. */
  saveStatus412: load.saveStatus412 + loadLarge.saveStatus412,
  /** µs per response write with the reader asleep or kept awake; null where unpinned. */
  wakeUp,
  load,
  loadLarge,
  /** get/save/complete/grid page on the typical session. */
  latencyMs: load.latencyMs,
  saveLatencyMsLarge: loadLarge.save,
  scoringPerSecond: scoring.perSecond.median,
  scoring,
  /** ms to parse a stored 5 × 40 session as the Cosmos adapter does; reported, no target. */
  storedSessionParseMs: storedParse.storedMs.median,
  storedParse,
  exportMs: { pdf: pdf.ms.median, xlsx: xlsx.ms.median },
  exportPeakRssMb: { pdf: pdf.peakRssMb.median, xlsx: xlsx.peakRssMb.median },
  export: { pdf, xlsx },
  /** Full runs only: own time per request by part, save-shaped no-op vs save. */
  ...(saveProfile ? { saveProfile } : {}),
  totalSeconds: 0,
};
results.totalSeconds = Math.round((performance.now() - started) / 1000);
const targets = targetsOf(results);

if (values.json)
  await writeFile(values.json, `${JSON.stringify({ ...results, targets }, null, 2)}\n`);
if (!quick) await writeBenchmarksDoc(results, targets);

const line = (name: string, s: Summary | number | boolean, digits = 2) =>
  console.log(`${name.padEnd(28)} ${typeof s === "object" ? formatSummary(s, digits) : String(s)}`);
line("coldStartRatio", cold.ratio);
line("coldStartRatio (per-file JS)", cold.perFileRatio);
line("cosmosCallsPerGet", cosmos.cosmosCallsPerGet);
line("cosmosCallsPerSave", cosmos.cosmosCallsPerSave);
line("cosmosCallsPerComplete", cosmos.cosmosCallsPerComplete);
line("cosmosCallsPerSaveCompleted", cosmos.cosmosCallsPerSaveCompleted);
line("cosmosCallsPerGridPage", cosmos.cosmosCallsPerGridPage);
line("gridQueryCrossPartition", cosmos.gridQueryCrossPartition);
line("sessionDocBytes", cosmos.sessionDocBytes);
line("saveVsHealthThroughput", load.saveVsHealthThroughput);
console.log(`${"".padEnd(28)} typical session (1 form, 4 questions); target ≥ 0.5`);
line("saveShapedNoopVsHealth…", load.saveShapedNoopVsHealthThroughput);
console.log(`${"".padEnd(28)} save-shaped no-op ÷ no-op: the most a save can reach here`);
line("saveVsSaveShapedNoop", load.saveVsSaveShapedNoop);
const cpu = load.cpuMicrosPerRequest;
console.log(
  `${"".padEnd(28)} server CPU µs/request: no-op ${cpu.noop.median.toFixed(0)}, ` +
    `save-shaped no-op ${cpu.saveShapedNoop.median.toFixed(0)}, save ${cpu.save.median.toFixed(0)}`,
);
const gc = load.gcPauseMicrosPerRequest;
console.log(
  `${"".padEnd(28)} of which GC pauses: no-op ${gc.noop.median.toFixed(0)}, ` +
    `save-shaped no-op ${gc.saveShapedNoop.median.toFixed(0)}, save ${gc.save.median.toFixed(0)}`,
);
const generator = load.generatorCpuMicrosPerRequest;
console.log(
  `${"".padEnd(28)} load generator CPU µs/request: no-op ${generator.noop.median.toFixed(0)}, ` +
    `save ${generator.save.median.toFixed(0)}`,
);
const rps = (l: { saveRps: Summary; save: { p50: number; p99: number } }) =>
  `save ${l.saveRps.median.toFixed(0)}/s, p50 ${l.save.p50} ms, p99 ${l.save.p99} ms`;
console.log(`${"".padEnd(28)} ${rps(load)}`);
for (const row of wakeUp?.rows ?? []) {
  console.log(
    `${"wake-up: write µs".padEnd(28)} server ${row.serverMicros} µs/request: reader asleep ` +
      `${row.asleep.median.toFixed(1)}, kept awake ${row.awake.median.toFixed(1)}`,
  );
}
line("saveVsHealthThroughputLarge", loadLarge.saveVsHealthThroughput);
console.log(`${"".padEnd(28)} large session (5 forms × 40 questions); no target`);
console.log(`${"".padEnd(28)} ${rps(loadLarge)}`);
line("save 412s", results.saveStatus412);
line("scoringPerSecond", scoring.perSecond, 0);
line("storedSessionParseMs", storedParse.storedMs, 3);
console.log(`${"".padEnd(28)} full schema: ${storedParse.fullMs.median.toFixed(3)} ms; no target`);
line("exportMs pdf / xlsx", `${pdf.ms.median.toFixed(0)} / ${xlsx.ms.median.toFixed(0)}` as never);
for (const t of targets) console.log(`${t.met ? "met    " : "MISSED "} ${t.name}: ${t.target}`);
console.log(`total ${results.totalSeconds} s`);
