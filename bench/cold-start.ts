// Cold start: a fresh `node` imports the package `npm run build` ships (dist/index.js, every
// function registered) or only the SDKs it bundles, and reports how long the import took.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { buildPackage } from "../scripts/build.js";
import { summarize, type Measurement } from "./figures.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");

const sdks = [
  "@azure/functions",
  "@azure/cosmos",
  "@azure/storage-blob",
  "@azure/service-bus",
  "@azure/identity",
  "zod",
];

// Imports its arguments together and prints the ms that took. `-e` resolves bare names from
// the working directory (the project's) node_modules; @azure/functions' test-mode warnings are not printed.
const probe = `
console.warn = () => undefined;
const t0 = performance.now();
await Promise.all(process.argv.slice(1).map((m) => import(m)));
console.log(performance.now() - t0);`;

async function importMs(modules: readonly string[]): Promise<number> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", probe, ...modules], {
    cwd: root,
  });
  return Number(stdout.trim());
}

export const coldStart: Measurement = {
  title: "cold start",
  about:
    "A fresh `node` imports `dist/index.js` (built as `npm run build` builds it) or only the " +
    `SDKs (${sdks.map((s) => `\`${s}\``).join(", ")}) from node_modules; ` +
    "`coldStartRatio` is the first import time ÷ the second, the two runs side by side.",
  async measure({ quick }) {
    const pkg = [pathToFileURL(await buildPackage()).href];
    await importMs(sdks); // warms the file system cache for both
    await importMs(pkg);
    const times = { sdk: [] as number[], pkg: [] as number[], ratio: [] as number[] };
    for (let i = 0; i < (quick ? 5 : 9); i++) {
      const sdk = await importMs(sdks);
      const app = await importMs(pkg);
      times.sdk.push(sdk);
      times.pkg.push(app);
      times.ratio.push(app / sdk);
    }
    return {
      coldStartRatio: summarize(times.ratio),
      coldStartPackageMs: summarize(times.pkg),
      coldStartSdkMs: summarize(times.sdk),
    };
  },
};
