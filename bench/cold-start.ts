// Cold start: how long a fresh Node process takes to load the function app entry (every function
// registered) compared with loading only the SDKs it depends on. Both sides are compiled JS
// loaded by plain Node (no tsx), so the ratio is the app's own start-up work. The bundled
// variant (esbuild, one file, lazy export chunks split off) shows what bundling saves.
import { execFile } from "node:child_process";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { build, type BuildOptions } from "esbuild";
import { z } from "zod";
import { summarize, type Summary } from "./stats.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
/** Inside node_modules so the compiled files resolve the same installed packages. */
const workDir = join(root, "node_modules", ".cache", "evaluation-sessions-bench");

export const sdkPackages = [
  "@azure/functions",
  "@azure/cosmos",
  "@azure/storage-blob",
  "@azure/service-bus",
  "@azure/identity",
  "zod",
] as const;

interface Entries {
  sdk: string;
  app: string;
  sdkBundled: string;
  appBundled: string;
}

/** Compiles the app per file (like `tsc`) and as a bundle, plus both SDK-only baselines. */
export async function buildEntries(): Promise<Entries> {
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  // node_modules is a package boundary, so the ESM scope must be declared again here.
  await writeFile(join(workDir, "package.json"), JSON.stringify({ type: "module" }));
  const sdk = join(workDir, "sdk.mjs");
  // Re-exported, not bare `import "pkg"`: a bundler drops side-effect-free bare imports.
  await writeFile(
    sdk,
    sdkPackages.map((p, i) => `export * as sdk${i} from ${JSON.stringify(p)};`).join("\n"),
  );

  const sources: string[] = [];
  for (const dir of ["functions", "shared"]) {
    for (const file of await readdir(join(root, dir), { recursive: true })) {
      const ok = file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.endsWith(".d.ts");
      if (ok && !file.split("/").includes("testing")) sources.push(join(dir, file));
    }
  }
  await build({
    absWorkingDir: root,
    entryPoints: sources,
    outdir: join(workDir, "app"),
    outbase: root,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "error",
  });

  // Some dependencies are CommonJS and call require(); an ESM bundle has to provide it.
  const banner = {
    js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
  };
  const bundled: BuildOptions = {
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    banner,
    // Provided by the Functions worker at run time, never installed.
    external: ["@azure/functions-core"],
    logLevel: "error",
  };
  await build({
    ...bundled,
    entryPoints: { index: "functions/index.ts" },
    outdir: join(workDir, "app-bundle"),
  });
  await build({
    ...bundled,
    entryPoints: { sdk },
    outdir: join(workDir, "sdk-bundle"),
  });
  return {
    sdk,
    app: join(workDir, "app", "functions", "index.js"),
    sdkBundled: join(workDir, "sdk-bundle", "sdk.js"),
    appBundled: join(workDir, "app-bundle", "index.js"),
  };
}

const probeResultSchema = z.object({ importMs: z.number(), functions: z.number() });

/** The probe: a fresh process that times one import and counts what got registered. */
const probeSource = `
const t0 = performance.now();
const warn = console.warn;
let registered = 0;
// @azure/functions warns once per registration outside the Functions runtime; count, don't print.
console.warn = (...args) => { if (String(args[0]).includes('"@azure/functions" package')) registered++; else warn(...args); };
await import(process.argv[2]);
const importMs = performance.now() - t0;
console.warn = warn;
console.log(JSON.stringify({ importMs, functions: registered }));
`;

export interface ColdStartResult {
  /** Per-file compiled app ÷ SDKs, each run paired in turn. */
  ratio: Summary;
  /** Bundled app ÷ SDKs loaded by plain module resolution. */
  bundledRatio: Summary;
  /** Bundled app ÷ SDKs bundled the same way. */
  bundledVsBundledSdkRatio: Summary;
  sdkMs: Summary;
  appMs: Summary;
  sdkBundledMs: Summary;
  appBundledMs: Summary;
  functionsRegistered: number;
}

async function probe(entry: string): Promise<z.output<typeof probeResultSchema>> {
  const probeFile = join(workDir, "probe.mjs");
  const { stdout } = await run(process.execPath, [probeFile, entry], { cwd: root });
  return probeResultSchema.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
}

export async function measureColdStart(runs: number): Promise<ColdStartResult> {
  const entries = await buildEntries();
  await writeFile(join(workDir, "probe.mjs"), probeSource);
  // One unmeasured pass warms the file system cache for every variant alike.
  for (const entry of [entries.sdk, entries.app, entries.sdkBundled, entries.appBundled])
    await probe(entry);
  const times = {
    sdk: [] as number[],
    app: [] as number[],
    sdkB: [] as number[],
    appB: [] as number[],
  };
  const ratios = { plain: [] as number[], bundled: [] as number[], bundledBoth: [] as number[] };
  let functionsRegistered = 0;
  // Interleaved, so a burst of load on this machine hits both sides of a ratio alike.
  for (let i = 0; i < runs; i++) {
    const sdk = (await probe(entries.sdk)).importMs;
    const app = await probe(entries.app);
    const sdkB = (await probe(entries.sdkBundled)).importMs;
    const appB = await probe(entries.appBundled);
    functionsRegistered = app.functions;
    times.sdk.push(sdk);
    times.app.push(app.importMs);
    times.sdkB.push(sdkB);
    times.appB.push(appB.importMs);
    ratios.plain.push(app.importMs / sdk);
    ratios.bundled.push(appB.importMs / sdk);
    ratios.bundledBoth.push(appB.importMs / sdkB);
  }
  return {
    ratio: summarize(ratios.plain),
    bundledRatio: summarize(ratios.bundled),
    bundledVsBundledSdkRatio: summarize(ratios.bundledBoth),
    sdkMs: summarize(times.sdk),
    appMs: summarize(times.app),
    sdkBundledMs: summarize(times.sdkB),
    appBundledMs: summarize(times.appB),
    functionsRegistered,
  };
}

if (process.argv[1] === import.meta.filename) {
  console.log(JSON.stringify(await measureColdStart(Number(process.argv[2] ?? 3)), null, 1));
}
