// Starts a private Azurite blob service on a free loopback port with its own data folder, for
// one test file, and tears both down afterwards (no shared emulator state between suites).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { azuriteBlobArgs } from "../../dev/emulators.js";
import { azuriteAccount } from "../../dev/settings.js";

export interface AzuriteBlob {
  /** Blob service URL, path-style: http://127.0.0.1:<port>/devstoreaccount1 */
  readonly blobServiceUri: string;
  readonly accountName: string;
  readonly accountKey: string;
  stop(): Promise<void>;
}

const host = "127.0.0.1";
const binary = fileURLToPath(new URL("../../node_modules/.bin/azurite-blob", import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port assigned"));
      });
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  // No pid: it never started (the spawn error is reported instead).
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited(child);
  clearTimeout(timer);
}

export async function startAzuriteBlob(timeoutMs = 30_000): Promise<AzuriteBlob> {
  const location = await mkdtemp(join(tmpdir(), "azurite-"));
  const port = await freePort();
  const child = spawn(binary, [...azuriteBlobArgs(port, location), "--silent"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const stop = async () => {
    await stopChild(child);
    await rm(location, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(port))) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `azurite-blob exited before listening on ${port}: ${spawnError?.message ?? stderr}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`azurite-blob did not listen on ${port} within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    blobServiceUri: `http://${host}:${port}/${azuriteAccount.name}`,
    accountName: azuriteAccount.name,
    accountKey: azuriteAccount.key,
    stop,
  };
}
