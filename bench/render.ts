// Rewrites docs/benchmarks.md from a saved full run (`npm run bench -- --json FILE`), e.g. after
// the report's wording changed:  npx tsx bench/render.ts FILE
import { readFile } from "node:fs/promises";
import { targetsOf, writeBenchmarksDoc, type BenchResults } from "./report.js";

const file = process.argv[2];
if (!file) throw new Error("Usage: npx tsx bench/render.ts results.json");
const results = JSON.parse(await readFile(file, "utf8")) as BenchResults & { mode: string };
if (results.mode !== "full") throw new Error("Only a full run may be written to the docs.");
// Runs saved before the typical/large split have no loadLarge and cannot be rendered.
if (!("loadLarge" in results)) throw new Error("This run predates loadLarge; run the bench again.");
// Runs saved before the report named the deployed runtime cannot say whether they ran on it.
if (typeof results.machine.deployedNodeMajor !== "number")
  throw new Error("This run predates machine.deployedNodeMajor; run the bench again.");
// Runs saved before the load was pinned do not say where the server and the generator ran.
if (!("cpus" in results.load)) throw new Error("This run predates load.cpus; run the bench again.");
// Runs saved before GC pauses were read beside the CPU time do not have them.
if (!("gcPauseMicrosPerRequest" in results.load))
  throw new Error("This run predates load.gcPauseMicrosPerRequest; run the bench again.");
await writeBenchmarksDoc(results, targetsOf(results));
