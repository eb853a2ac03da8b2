// Starts the local host once for the integration project: real cosmosdb-server and Azurite on
// free ports, a fresh data folder, no seed. Tests reach it over HTTP through inject("baseUrl").
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalHost } from "../dev/host.js";
import { settingsOf } from "../dev/settings.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The API base of the local host, e.g. `http://127.0.0.1:49152/api`. */
    baseUrl: string;
    /** The issuer and audience the host's verifier accepts. */
    issuer: string;
    audience: string;
    /** The host's app settings (stand-in endpoints and keys, the local issuer). */
    settings: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), "evaluation-sessions-it-"));
  // The host's log goes to a file (LOCAL_HOST_LOG=1 prints it instead), so test output stays readable.
  mkdirSync(resolve(".data"), { recursive: true });
  const logFile = resolve(".data", "integration-host.log");
  const log =
    process.env.LOCAL_HOST_LOG === "1"
      ? (line: string) => console.log(line)
      : (line: string) => appendFileSync(logFile, `${line}\n`);
  log(`---- integration run ${new Date().toISOString()} ----`);

  const started = performance.now();
  const host = await startLocalHost({
    port: 0,
    cosmosPort: 0,
    blobPort: 0,
    dataDir,
    seed: false,
    settingsFile: null,
    environment: {},
    topic: { redeliveryDelayMs: 50 },
    log,
  });
  log(`local host started in ${Math.round(performance.now() - started)} ms at ${host.url}`);

  project.provide("baseUrl", `http://127.0.0.1:${host.port}/api`);
  project.provide("issuer", host.config.AUTH_ISSUERS[0] ?? "");
  project.provide("audience", host.config.AUTH_AUDIENCE);
  project.provide("settings", settingsOf(host.config));

  return async () => {
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
