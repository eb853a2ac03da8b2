// The local stand-ins: cosmosdb-server in-process (HTTPS, self-signed) and Azurite's blob
// service as a child process, plus the database, containers and blob containers the app uses.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { connect, createServer as createNetServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { createHttpsServer } from "@vercel/cosmosdb-server";
import { blobContainers, createBlobServiceClient } from "../shared/adapters/blob/client.js";
import { createCosmosClient } from "../shared/adapters/cosmos/client.js";
import { containerDefinitions } from "../shared/adapters/cosmos/containers.js";
import type { Config } from "../shared/config.js";

/** A port someone else holds; the host prints its message as one line and exits 1. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(`Port ${port} (${what}) is already in use; stop what holds it or choose another port.`);
    this.name = "PortInUseError";
  }
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "EADDRINUSE";
}

/** Binds and releases `port` on 127.0.0.1 (0 = any free port) and returns the port. */
export async function reservePort(port: number, what: string): Promise<number> {
  const probe = createNetServer();
  try {
    probe.listen(port, "127.0.0.1");
    await once(probe, "listening");
  } catch (error) {
    if (isAddressInUse(error)) throw new PortInUseError(port, what);
    throw error;
  }
  const { port: bound } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, "close");
  return bound;
}

export interface CosmosStandIn {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startCosmosServer(port: number): Promise<CosmosStandIn> {
  // Connections kept open: a new TLS handshake per request (both ends in this process) took
  // most of the local host's CPU under a burst of completions (bench/analytics.ts).
  const server = createHttpsServer({ keepAlive: true });
  try {
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
  } catch (error) {
    if (isAddressInUse(error)) throw new PortInUseError(port, "Cosmos DB stand-in");
    throw error;
  }
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${bound}/`,
    port: bound,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Azurite's blob service on loopback: `--disableTelemetry` (without it Azurite tries to reach
 * the internet), and lenient about API versions and headers the SDKs send.
 */
export function azuriteBlobArgs(port: number, location: string): string[] {
  return [
    "--blobHost",
    "127.0.0.1",
    "--blobPort",
    String(port),
    "--location",
    location,
    "--disableTelemetry",
    "--skipApiVersionCheck",
    "--loose",
  ];
}

export interface AzuriteStandIn {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Azurite's folder under the host's data folder. */
export const azuriteLocation = (dataDir: string): string => join(dataDir, "azurite");

export async function startAzurite(options: {
  port: number;
  dataDir: string;
  log: (line: string) => void;
}): Promise<AzuriteStandIn> {
  const port = await reservePort(options.port, "Azurite blob");
  const location = azuriteLocation(options.dataDir);
  mkdirSync(location, { recursive: true });
  const main = require.resolve("azurite/dist/src/blob/main.js");
  const child = spawn(process.execPath, [main, ...azuriteBlobArgs(port, location)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const recent: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split(/\r?\n/)) {
      if (line.trim() === "") continue;
      recent.push(line);
      if (recent.length > 20) recent.shift();
    }
  };
  child.stdout?.on("data", remember);
  child.stderr?.on("data", (chunk: Buffer) => {
    remember(chunk);
    for (const line of chunk.toString("utf8").split(/\r?\n/))
      if (line.trim()) options.log(`azurite: ${line}`);
  });
  // A host that dies abruptly must not leave Azurite holding the port.
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);

  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    process.off("exit", killOnExit);
    child.kill("SIGKILL");
    const output = recent.join("\n");
    if (/EADDRINUSE/.test(output)) throw new PortInUseError(port, "Azurite blob");
    throw new Error(
      `Azurite did not start: ${error instanceof Error ? error.message : String(error)}\n${output}`,
    );
  }
  let stopping = false;
  child.on("exit", (code, signal) => {
    if (!stopping) options.log(`azurite: exited unexpectedly (code ${code}, signal ${signal})`);
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    stop: async () => {
      stopping = true;
      process.off("exit", killOnExit);
      await stopChild(child);
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`it exited (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: "127.0.0.1" });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}

/** Creates the database, containers and blob containers in the stand-ins (Bicep does it in Azure). */
export async function provisionStores(
  config: Config,
  standIns: { cosmos: boolean; blob: boolean },
): Promise<void> {
  if (standIns.cosmos) {
    const cosmos = createCosmosClient(config);
    try {
      const { database } = await cosmos.databases.createIfNotExists({ id: config.COSMOS_DATABASE });
      // The same definitions as Azure (hierarchical MultiHash keys): cosmosdb-server accepts them.
      for (const definition of Object.values(containerDefinitions)) {
        await database.containers.createIfNotExists(definition);
      }
    } finally {
      cosmos.dispose();
    }
  }
  if (standIns.blob) {
    const blobs = createBlobServiceClient(config);
    for (const name of Object.values(blobContainers)) {
      await blobs.getContainerClient(name).createIfNotExists();
    }
  }
}
