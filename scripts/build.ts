// Builds the Functions package: functions/index.ts and everything it imports, the Azure SDKs
// included, bundled by esbuild into dist/index.js (package.json "main"). One file loads in a
// fraction of the time Node takes to resolve and read the SDKs' hundreds of files, and that
// time is every cold start's (docs/benchmarks.md). `npm run build` type-checks first.
//   npx tsx scripts/build.ts [outdir]
import { rm } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type BuildOptions } from "esbuild";

const root = resolve(import.meta.dirname, "..");

/**
 * Left out of the bundle and loaded from node_modules at run time:
 * - `@azure/functions-core`: the Functions worker provides it; it is never installed.
 * - the export libraries: imported only when an export is rendered, and they read files of
 *   their own (pdfmake its fonts), which must stay where the package put them.
 * - `tinypool`: it starts its threads from a file of its own, beside its code.
 * - the Azure Monitor distro: imported only when APPLICATIONINSIGHTS_CONNECTION_STRING is set
 *   (shared/adapters/telemetry.ts); its instrumentations patch modules as Node loads them,
 *   which needs them loaded from node_modules.
 */
const external = [
  "@azure/functions-core",
  "@azure/monitor-opentelemetry",
  "exceljs",
  "pdfmake",
  "tinypool",
] as const;

/** The options for the package, and for the benchmark's bundle of the SDKs alone. */
export const bundleOptions: BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  // Code reached only through a dynamic import() (the export renderers, the OpenAPI
  // generator) goes into chunks of its own, read when first used.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Some bundled dependencies are CommonJS and call require(); ESM has to provide it.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  external: [...external],
  logLevel: "warning",
};

/**
 * Writes the package to `outdir` (emptied first); returns the entry file. The export workers'
 * entry goes beside it as export-worker.js, where shared/exports/pool.ts looks for it.
 */
export async function buildPackage(outdir = join(root, "dist")): Promise<string> {
  await rm(outdir, { recursive: true, force: true });
  await build({
    ...bundleOptions,
    entryPoints: { index: "functions/index.ts", "export-worker": "shared/exports/worker.ts" },
    outdir,
  });
  return join(outdir, "index.js");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const started = performance.now();
  const entry = await buildPackage(process.argv[2] ? resolve(process.argv[2]) : undefined);
  const ms = Math.round(performance.now() - started);
  console.log(`build: ${relative(root, entry)} in ${ms} ms`);
}
