// Cold start: how long a fresh Node process takes to load the function app (every function
// registered) compared with loading only the SDKs it depends on, by plain Node (no tsx). The
// app is the package `npm run build` ships (scripts/build.ts: one esbuild bundle, SDKs inside,
// lazy chunks for exports); the same sources compiled one file per source file, like `tsc`,
// show what the bundle saves, and the SDKs bundled the same way what is left of the app's own.
import { execFile } from "node:child_process";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { buildPackage, bundleOptions } from "../scripts/build.js";
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
  perFile: string;
  sdkBundled: string;
  package: string;
}

/** Builds the package and the app per file (like `tsc`), plus both SDK-only baselines. */
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
  // The package's output format and target, one file per source file instead of one bundle.
  const { format, platform, target } = bundleOptions;
  await build({
    absWorkingDir: root,
    entryPoints: sources,
    outdir: join(workDir, "app"),
    outbase: root,
    format,
    platform,
    target,
    logLevel: "error",
  });

  await build({ ...bundleOptions, entryPoints: { sdk }, outdir: join(workDir, "sdk-bundle") });
  return {
    sdk,
    perFile: join(workDir, "app", "functions", "index.js"),
    sdkBundled: join(workDir, "sdk-bundle", "sdk.js"),
    package: await buildPackage(join(workDir, "package")),
  };
}

const probeResultSchema = z.object({ importMs: z.number(), functions: z.number() });

/** The probe: a fresh process that times one import and counts what got registered. */
const probeSource = `
const t0 = performance.now();
const warn = console.warn;
let registered = 0;
// Outside the Functions runtime @azure/functions warns that it is in test mode, then once per
// registration; count the registrations, print neither.
console.warn = (...args) => {
  const message = String(args[0]);
  if (message.includes("Skipping call to register function")) registered++;
  else if (!message.includes('"@azure/functions" package')) warn(...args);
};
await import(process.argv[2]);
const importMs = performance.now() - t0;
console.warn = warn;
console.log(JSON.stringify({ importMs, functions: registered }));
`;

export interface ColdStartResult {
  /** `coldStartRatio`: the package (dist/index.js) ÷ the SDKs by plain module resolution. */
  ratio: Summary;
  /** The app compiled one file per source file (not shipped) ÷ the SDKs. */
  perFileRatio: Summary;
  /** The package ÷ the SDKs bundled the same way: the app's own share. */
  packageVsBundledSdkRatio: Summary;
  sdkMs: Summary;
  perFileMs: Summary;
  sdkBundledMs: Summary;
  packageMs: Summary;
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
  const variants = [entries.sdk, entries.perFile, entries.sdkBundled, entries.package];
  for (const entry of variants) await probe(entry);
  const times = {
    sdk: [] as number[],
    perFile: [] as number[],
    sdkB: [] as number[],
    pkg: [] as number[],
  };
  const ratios = { pkg: [] as number[], perFile: [] as number[], pkgVsSdkB: [] as number[] };
  let functionsRegistered = 0;
  // Interleaved, so a burst of load on this machine hits both sides of a ratio alike.
  for (let i = 0; i < runs; i++) {
    const sdk = (await probe(entries.sdk)).importMs;
    const perFile = await probe(entries.perFile);
    const sdkB = (await probe(entries.sdkBundled)).importMs;
    const pkg = await probe(entries.package);
    if (pkg.functions !== perFile.functions || pkg.functions === 0)
      throw new Error(
        `The package registered ${pkg.functions} functions, per-file JS ${perFile.functions}.`,
      );
    functionsRegistered = pkg.functions;
    times.sdk.push(sdk);
    times.perFile.push(perFile.importMs);
    times.sdkB.push(sdkB);
    times.pkg.push(pkg.importMs);
    ratios.pkg.push(pkg.importMs / sdk);
    ratios.perFile.push(perFile.importMs / sdk);
    ratios.pkgVsSdkB.push(pkg.importMs / sdkB);
  }
  return {
    ratio: summarize(ratios.pkg),
    perFileRatio: summarize(ratios.perFile),
    packageVsBundledSdkRatio: summarize(ratios.pkgVsSdkB),
    sdkMs: summarize(times.sdk),
    perFileMs: summarize(times.perFile),
    sdkBundledMs: summarize(times.sdkB),
    packageMs: summarize(times.pkg),
    functionsRegistered,
  };
}

if (process.argv[1] === import.meta.filename) {
  console.log(JSON.stringify(await measureColdStart(Number(process.argv[2] ?? 3)), null, 1));
}
