// Rewrites docs/benchmarks.md from a saved full run (`npm run bench -- --json FILE`), e.g. after
// the report's wording changed:  npx tsx bench/render.ts FILE
import { readFile } from "node:fs/promises";
import { targetsOf, writeBenchmarksDoc, type BenchResults } from "./report.js";

const file = process.argv[2];
if (!file) throw new Error("Usage: npx tsx bench/render.ts results.json");
const results = JSON.parse(await readFile(file, "utf8")) as BenchResults & { mode: string };
if (results.mode !== "full") throw new Error("Only a full run may be written to the docs.");
// Every field the report reads was in place once GC pauses were read beside the CPU time (the
// newest field), so that one check turns away any older saved run.
if (!("gcPauseMicrosPerRequest" in results.load))
  throw new Error("This run predates load.gcPauseMicrosPerRequest; run the bench again.");
await writeBenchmarksDoc(results, targetsOf(results));
