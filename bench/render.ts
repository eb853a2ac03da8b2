// Rewrites docs/benchmarks.md from a saved full run (`npm run bench -- --json FILE`), e.g. after
// the report's wording changed:  npx tsx bench/render.ts FILE
import { readFile } from "node:fs/promises";
import { targetsOf, writeBenchmarksDoc, type BenchResults } from "./report.js";

const file = process.argv[2];
if (!file) throw new Error("Usage: npx tsx bench/render.ts results.json");
const results = JSON.parse(await readFile(file, "utf8")) as BenchResults & { mode: string };
if (results.mode !== "full") throw new Error("Only a full run may be written to the docs.");
// Every field the report reads was in place once the wake-up cost was measured (the newest
// field), so that one check turns away any older saved run.
if (!("wakeUp" in results)) throw new Error("This run predates wakeUp; run the bench again.");
await writeBenchmarksDoc(results, targetsOf(results));
