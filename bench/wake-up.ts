// What waking a sleeping reader costs the writer on this machine: the measurement behind
// bench/awake.ts. A plain TCP server (a child process, on the benchmark server's CPU) answers
// each request after a fixed stretch of busy work with one 2 KB write, timed around the write.
// This process, on the load generator's CPU, keeps 10 connections busy with its event loop
// either sleeping between responses or kept awake. When the server is slow enough that the
// client's CPU idles past the halt-polling window, a sleeping client's CPU halts, and the
// server's writes pay for waking it.
//   npx tsx bench/wake-up.ts
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { keepAwake } from "./awake.js";
import { allowedCpus, cpuSplit, onCpus, pinThisProcess, type CpuSplit } from "./cpus.js";
import { formatSummary, summarize, type Summary } from "./stats.js";

const root = resolve(import.meta.dirname, "..");
const responseBytes = 2048;
const connections = 10;
/** Below and above the guest's usual 200 µs halt-polling window. */
const serverMicros = [50, 300] as const;

export interface WakeUpRow {
  /** Busy work before each response, µs. */
  serverMicros: number;
  /** µs per response write with the client sleeping between responses, and kept awake. */
  asleep: Summary;
  awake: Summary;
}

export interface WakeUpResult {
  cpus: CpuSplit;
  connections: number;
  responseBytes: number;
  rows: WakeUpRow[];
}

/** The child: `spin N` sets the work per request and clears the tally; `report` prints it. */
async function serve(): Promise<void> {
  const response = Buffer.alloc(responseBytes, "x");
  let spinNanos = 0n;
  let writeNanos = 0n;
  let writes = 0;
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("error", () => undefined); // the client resets its connections when it is done
    socket.on("data", () => {
      const until = process.hrtime.bigint() + spinNanos;
      while (process.hrtime.bigint() < until); // the request's work
      const from = process.hrtime.bigint();
      socket.write(response);
      writeNanos += process.hrtime.bigint() - from;
      writes++;
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, value] = line.split(" ");
    if (command === "spin") {
      spinNanos = BigInt(Number(value) * 1000);
      writeNanos = 0n;
      writes = 0;
    } else if (command === "report") {
      console.log(JSON.stringify({ writeMicros: Number(writeNanos) / 1000 / writes, writes }));
    }
  }
  server.close();
}

/** Keeps `connections` requests in flight: each response (2 KB) is answered by a new request. */
function drive(port: number): Socket[] {
  const request = "x".repeat(300);
  return Array.from({ length: connections }, () => {
    const socket = connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    let pending = 0;
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk: Buffer) => {
      pending += chunk.byteLength;
      for (; pending >= responseBytes; pending -= responseBytes) socket.write(request);
    });
    socket.on("error", () => undefined); // destroyed at the end, mid-request
    return socket;
  });
}

/**
 * `runs` rounds of both modes at each server time, in alternating order. Null where the
 * server and the client cannot have CPUs of their own (the only setup awake.ts turns in).
 */
export async function measureWakeUp(runs: number, seconds = 1): Promise<WakeUpResult | null> {
  const allowed = allowedCpus();
  const cpus = cpuSplit(allowed);
  if (!allowed || !cpus) return null;
  const [command, args] = onCpus(cpus.server, process.execPath, [
    "--import",
    "tsx",
    "bench/wake-up.ts",
    "--serve",
  ]);
  const child = spawn(command, args, { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
  const exited = once(child, "exit");
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const next: IteratorResult<string> = await lines.next();
    if (next.done) throw new Error("The wake-up server exited early.");
    return JSON.parse(next.value) as Record<string, number>;
  };
  const send = (line: string) => child.stdin.write(`${line}\n`);
  let sockets: Socket[] = [];
  try {
    const { port } = await nextLine();
    pinThisProcess(cpus.generator);
    sockets = drive(port ?? 0);
    const measured = new Map(
      serverMicros.map((s) => [s, { asleep: [] as number[], awake: [] as number[] }]),
    );
    for (let run = 0; run < runs; run++) {
      for (const micros of serverMicros) {
        for (const mode of run % 2 === 0
          ? (["asleep", "awake"] as const)
          : (["awake", "asleep"] as const)) {
          const stop = mode === "awake" ? keepAwake() : () => undefined;
          send(`spin ${micros}`);
          await sleep(200); // settle into the mode, not counted
          send(`spin ${micros}`);
          await sleep(seconds * 1000);
          send("report");
          const { writeMicros } = await nextLine();
          stop();
          measured.get(micros)?.[mode].push(writeMicros ?? NaN);
        }
      }
    }
    return {
      cpus,
      connections,
      responseBytes,
      rows: [...measured].map(([micros, m]) => ({
        serverMicros: micros,
        asleep: summarize(m.asleep),
        awake: summarize(m.awake),
      })),
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    child.stdin.end();
    await exited;
    pinThisProcess(allowed);
  }
}

if (process.argv[1] === import.meta.filename) {
  if (process.argv[2] === "--serve") await serve();
  else {
    const result = await measureWakeUp(3);
    if (!result) console.log("wake-up: needs two CPUs and taskset (Linux); nothing measured.");
    for (const row of result?.rows ?? []) {
      console.log(
        `server ${row.serverMicros} µs per request: write ${formatSummary(row.asleep, 1)} µs ` +
          `with the client asleep, ${formatSummary(row.awake, 1)} µs kept awake`,
      );
    }
  }
}
