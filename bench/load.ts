// HTTP throughput and latency with autocannon against bench/server.ts (a child process, on a CPU
// of its own where bench/cpus.ts can arrange it, so the load generator does not share its CPU).
// Saves use one session per connection and the ETag of that connection's previous response, so a
// 412 here would be a bug, not contention.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import autocannon, { type Client, type Options, type Request, type Result } from "autocannon";
import { generatorWorkMicros, keepAwake, turnDidWork } from "./awake.js";
import { allowedCpus, cpuSplit, onCpus, pinThisProcess, type CpuSplit } from "./cpus.js";
import { summarize, type Summary } from "./stats.js";
import type { BenchSession, ServerReady } from "./server.js";
import {
  cpuRoute,
  noopRoute,
  oneAnswerSave,
  saveShapedRoute,
  type SessionShape,
} from "./server-routes.js";

const root = resolve(import.meta.dirname, "..");

export interface Latency {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  non2xx: number;
}

/** Server CPU time (all threads, GC included) per response, in microseconds. */
export interface CpuPerRequest {
  noop: Summary;
  saveShapedNoop: Summary;
  save: Summary;
}

/** The save-vs-no-op figures of one session shape. */
export interface SaveLoadResult {
  shape: SessionShape;
  /** requests/s of the save ÷ requests/s of the no-op, per paired run. */
  saveVsHealthThroughput: Summary;
  /**
   * requests/s of the save-shaped no-op (the save's request in, a body of the save's size out,
   * nothing done between) ÷ requests/s of the no-op: the most any save can reach on this host.
   */
  saveShapedNoopVsHealthThroughput: Summary;
  /** requests/s of the save ÷ requests/s of the save-shaped no-op: the service's own share. */
  saveVsSaveShapedNoop: Summary;
  saveRps: Summary;
  noopRps: Summary;
  saveShapedNoopRps: Summary;
  cpuMicrosPerRequest: CpuPerRequest;
  /** The main thread's garbage-collection pauses per response (µs), part of the CPU above. */
  gcPauseMicrosPerRequest: CpuPerRequest;
  /**
   * The load generator's own CPU time (this process, autocannon with its request hooks) per
   * response, less the turns its kept-awake loop spent waiting (bench/awake.ts), to show it is
   * not what limits the rates.
   */
  generatorCpuMicrosPerRequest: CpuPerRequest;
  saveResponseBytes: number;
  /** The CPUs the server and the load generator were kept on; null where the run was unpinned. */
  cpus: CpuSplit | null;
  saves: number;
  saveStatus412: number;
  saveNon2xx: number;
  /** Latency of the last save run. */
  save: Latency;
  connections: number;
  secondsPerRun: number;
}

export interface LoadResult extends SaveLoadResult {
  latencyMs: { get: Latency; save: Latency; complete: Latency; gridPage: Latency };
}

export interface LoadOptions {
  shape: SessionShape;
  runs: number;
  seconds: number;
  connections: number;
}

/**
 * Starts bench/server.ts in a child process, on `cpus` when given; `nodeArgs` go to its Node
 * (e.g. `--cpu-prof`).
 */
async function startServer(
  shape: SessionShape,
  toSave: number,
  toComplete: number,
  nodeArgs: readonly string[],
  cpus: number[] | undefined,
): Promise<{
  ready: ServerReady;
  child: ChildProcess;
}> {
  const node: [string, string[]] = [
    process.execPath,
    [...nodeArgs, "--import", "tsx", "bench/server.ts", shape, String(toSave), String(toComplete)],
  ];
  const [command, args] = cpus ? onCpus(cpus, ...node) : node;
  const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "ignore"] });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith("{")) return { ready: JSON.parse(line) as ServerReady, child };
  }
  throw new Error("The benchmark server exited before it was ready.");
}

/** The monotonic clock in µs, the clock V8's CPU profiles are stamped with. */
const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

type Timed = Result & {
  rate: number;
  responses: number;
  /** From the first request to the last response, on the monotonic clock (µs). */
  span: { from: number; to: number };
};
type Measured = Timed & {
  cpuPerResponse: number;
  gcPausePerResponse: number;
  generatorCpuPerResponse: number;
};

/**
 * Runs autocannon and adds the rate over the run's own span (first request to last response):
 * autocannon notices the end of a fixed `amount` only on its next one-second tick, so its own
 * duration would round every short run up to whole seconds.
 */
export async function timed(options: Options): Promise<Timed> {
  const from = monotonicMicros();
  let to = from;
  let responses = 0;
  const setup = options.setupClient;
  const result = await autocannon({
    ...options,
    setupClient: (client) => {
      setup?.(client);
      client.on("response", () => {
        turnDidWork();
        responses++;
        to = monotonicMicros();
      });
    },
  });
  return { ...result, rate: responses / ((to - from) / 1e6), responses, span: { from, to } };
}

const rate = (r: Timed): number => r.rate;

const latencyOf = (r: Timed): Latency => ({
  p50: r.latency.p50,
  p99: r.latency.p99,
  requestsPerSecond: rate(r),
  non2xx: r.non2xx,
});

/** Each connection takes the next session of `pool` and keeps its own ETag. */
export function perConnection(
  pool: BenchSession[],
  request: (session: BenchSession, etag: string) => Request,
  onStatus: (status: number) => void = () => undefined,
): (client: Client) => void {
  let next = 0;
  // Kept across runs: every run continues from the revision the previous one left behind.
  const etags = new Map(pool.map((s) => [s.id, s.etag]));
  return (client) => {
    const session = pool[next++ % pool.length];
    if (!session) throw new Error("No session for this connection.");
    let etag = etags.get(session.id) ?? session.etag;
    client.setRequests([
      {
        ...request(session, etag),
        setupRequest: (req) => ({ ...req, ...request(session, etag) }),
        onResponse: (status, _body, _context, headers) => {
          onStatus(status);
          const given = headers.etag ?? headers.ETag;
          if (typeof given === "string") {
            etag = given;
            etags.set(session.id, given);
          }
        },
      },
    ]);
  };
}

const evaluatorAuth = (ready: ServerReady) => ({ authorization: `Bearer ${ready.evaluatorToken}` });

/** The server's CPU time (all threads, GC included) and main-thread GC pauses so far, in µs. */
export interface ServerTimes {
  micros: number;
  gcPauseMicros: number;
}

/** The server's times so far, read from its bench-only function. */
export async function serverTimes(port: number): Promise<ServerTimes> {
  const res = await fetch(`http://127.0.0.1:${port}/api/${cpuRoute}`);
  return (await res.json()) as ServerTimes;
}

/**
 * An autosave: one answer changed, toggling between two choices on every request; the whole
 * session is rescored, written and returned.
 */
export function saveRequests(ready: ServerReady): (session: BenchSession, etag: string) => Request {
  const [first, second] = ready.save.answerIds;
  let toggle = 0;
  return (s, etag) => ({
    method: "PUT",
    path: `/api/sessions/${s.id}/answers`,
    headers: { ...evaluatorAuth(ready), "content-type": "application/json", "if-match": etag },
    body: JSON.stringify(oneAnswerSave(ready.save, toggle++ % 2 === 0 ? first : second)),
  });
}

/** The save-shaped no-op's load: a one-answer save's very request, sent to the no-op. */
export function saveShapedLoad(ready: ServerReady): Options {
  const [first] = ready.toSave;
  if (!first) throw new Error("No session to shape the request on.");
  const { method = "PUT", headers = {}, body = "" } = saveRequests(ready)(first, first.etag);
  return { url: `http://127.0.0.1:${ready.port}/api/${saveShapedRoute}`, method, headers, body };
}

/**
 * Paired runs of the no-op, the save-shaped no-op and one-answer saves, each connection saving
 * its own session; the server's CPU time is read around every run.
 */
async function measureSaves(
  ready: ServerReady,
  options: LoadOptions,
  cpus: CpuSplit | undefined,
): Promise<SaveLoadResult> {
  const { runs, seconds, connections } = options;
  const url = `http://127.0.0.1:${ready.port}`;
  const saveRequest = saveRequests(ready);
  let status412 = 0;
  let saves = 0;
  const countStatus = (status: number) => {
    saves++;
    if (status === 412) status412++;
  };
  /** A run with the server's CPU time and GC pauses and the generator's CPU time per response. */
  const withCpu = async (run: () => Promise<Timed>): Promise<Measured> => {
    const before = await serverTimes(ready.port);
    const generatorBefore = generatorWorkMicros();
    const result = await run();
    const generator = generatorWorkMicros() - generatorBefore;
    const after = await serverTimes(ready.port);
    return {
      ...result,
      cpuPerResponse: (after.micros - before.micros) / result.responses,
      gcPausePerResponse: (after.gcPauseMicros - before.gcPauseMicros) / result.responses,
      generatorCpuPerResponse: generator / result.responses,
    };
  };
  // Fixed amounts, not durations: a run ends only when every response arrived, so no save is
  // cut off mid-flight (its ETag lost) between runs. Amounts are sized from the warm-up rates.
  let noopAmount = 0;
  let shapedAmount = 0;
  let saveAmount = 0;
  const noop = () =>
    withCpu(() =>
      timed({
        url: `${url}/api/${noopRoute}`,
        connections,
        ...(noopAmount ? { amount: noopAmount } : { duration: seconds }),
      }),
    );
  const shapedLoad = saveShapedLoad(ready);
  const saveShapedNoop = () =>
    withCpu(() =>
      timed({
        ...shapedLoad,
        connections,
        ...(shapedAmount ? { amount: shapedAmount } : { duration: seconds }),
      }),
    );
  const saveClients = perConnection(ready.toSave, saveRequest, countStatus);
  const save = () =>
    withCpu(() =>
      timed({
        url,
        connections,
        ...(saveAmount ? { amount: saveAmount } : { duration: seconds }),
        setupClient: saveClients,
      }),
    );

  // Warm-up (JIT, caches) for every path, a run's length each, not recorded.
  const amountFor = (r: Timed) => Math.max(connections * 20, Math.round(r.rate * seconds));
  noopAmount = amountFor(await noop());
  shapedAmount = amountFor(await saveShapedNoop());
  // The save warm-up runs fixed amounts too (a duration would cut saves off mid-flight): a short
  // one to size it, then a run's length.
  saveAmount = connections * 20;
  saveAmount = amountFor(await save());
  let lastSave = await save();
  saveAmount = amountFor(lastSave);
  status412 = 0;
  saves = 0;
  const paired: { noop: Measured; shaped: Measured; save: Measured }[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate the order, so a machine slowing down or speeding up over a run does not always
    // favour the same side.
    if (i % 2 === 0) {
      const noopRun = await noop();
      const shaped = await saveShapedNoop();
      paired.push({ noop: noopRun, shaped, save: await save() });
    } else {
      const saveRun = await save();
      const shaped = await saveShapedNoop();
      paired.push({ noop: await noop(), shaped, save: saveRun });
    }
  }
  lastSave = paired.at(-1)?.save ?? lastSave;
  // Whole-run rates (first request to last response), not autocannon's per-second samples;
  // ratios within each run.
  const over = (figure: (run: (typeof paired)[number]) => number) => summarize(paired.map(figure));
  return {
    shape: ready.shape,
    saveVsHealthThroughput: over((p) => rate(p.save) / rate(p.noop)),
    saveShapedNoopVsHealthThroughput: over((p) => rate(p.shaped) / rate(p.noop)),
    saveVsSaveShapedNoop: over((p) => rate(p.save) / rate(p.shaped)),
    saveRps: over((p) => rate(p.save)),
    noopRps: over((p) => rate(p.noop)),
    saveShapedNoopRps: over((p) => rate(p.shaped)),
    cpuMicrosPerRequest: {
      noop: over((p) => p.noop.cpuPerResponse),
      saveShapedNoop: over((p) => p.shaped.cpuPerResponse),
      save: over((p) => p.save.cpuPerResponse),
    },
    gcPauseMicrosPerRequest: {
      noop: over((p) => p.noop.gcPausePerResponse),
      saveShapedNoop: over((p) => p.shaped.gcPausePerResponse),
      save: over((p) => p.save.gcPausePerResponse),
    },
    generatorCpuMicrosPerRequest: {
      noop: over((p) => p.noop.generatorCpuPerResponse),
      saveShapedNoop: over((p) => p.shaped.generatorCpuPerResponse),
      save: over((p) => p.save.generatorCpuPerResponse),
    },
    saveResponseBytes: ready.saveResponseBytes,
    cpus: cpus ?? null,
    saves,
    saveStatus412: status412,
    saveNon2xx: paired.reduce((sum, p) => sum + p.save.non2xx + p.shaped.non2xx, 0),
    save: latencyOf(lastSave),
    connections,
    secondsPerRun: seconds,
  };
}

/**
 * Runs `measure` against a fresh benchmark server, the server and this process (the load
 * generator) each on CPUs of their own where they can be pinned (bench/cpus.ts), the generator
 * then kept awake (bench/awake.ts); then stops the server and waits for it to exit (so the next
 * step does not share the CPU with its exit, and a `--cpu-prof` profile is written by the time
 * this returns).
 */
export async function withServer<T>(
  shape: SessionShape,
  toSave: number,
  toComplete: number,
  measure: (ready: ServerReady, cpus: CpuSplit | undefined) => Promise<T>,
  nodeArgs: readonly string[] = [],
): Promise<T> {
  const allowed = allowedCpus();
  const cpus = cpuSplit(allowed);
  const { ready, child } = await startServer(shape, toSave, toComplete, nodeArgs, cpus?.server);
  const exited = once(child, "exit");
  let stopTurning: (() => void) | undefined;
  try {
    if (cpus) {
      pinThisProcess(cpus.generator);
      stopTurning = keepAwake(); // only on a CPU of its own: elsewhere it would slow the server
    }
    return await measure(ready, cpus);
  } finally {
    stopTurning?.();
    child.kill(); // the server exits on SIGTERM
    await exited;
    if (cpus && allowed) pinThisProcess(allowed); // back to every CPU it had, the server gone
  }
}

/** Save vs no-op throughput only (no get, grid or complete runs). */
export function measureSaveLoad(options: LoadOptions): Promise<SaveLoadResult> {
  return withServer(options.shape, options.connections, 0, (ready, cpus) =>
    measureSaves(ready, options, cpus),
  );
}

/** Save vs no-op throughput, then get, grid-page and complete latencies, on one session shape. */
export function measureLoad(options: LoadOptions & { completes: number }): Promise<LoadResult> {
  const { seconds, connections } = options;
  return withServer(options.shape, connections, options.completes, async (ready, cpus) => {
    const saves = await measureSaves(ready, options, cpus);
    const url = `http://127.0.0.1:${ready.port}`;
    const get = await timed({
      url: `${url}/api/sessions/${ready.toSave[0]?.id ?? ""}`,
      connections,
      duration: seconds,
      headers: evaluatorAuth(ready),
    });
    const gridPage = await timed({
      url: `${url}/api/sessions?limit=50`,
      connections,
      duration: seconds,
      headers: { authorization: `Bearer ${ready.adminToken}` },
    });
    const complete = await timed({
      url,
      connections,
      amount: ready.toComplete.length,
      setupClient: completeEach(ready.toComplete, evaluatorAuth(ready)),
    });
    return {
      ...saves,
      latencyMs: {
        get: latencyOf(get),
        save: saves.save,
        complete: latencyOf(complete),
        gridPage: latencyOf(gridPage),
      },
    };
  });
}

/** Completing is one-shot: every request takes the next fully answered session of the pool. */
function completeEach(
  pool: BenchSession[],
  auth: Record<string, string>,
): (client: Client) => void {
  let next = 0;
  const requestFor = (): Request => {
    // Past the end (the generator builds one request ahead) it repeats one; never sent.
    const s = pool[next++ % pool.length];
    return {
      method: "POST",
      path: `/api/sessions/${s?.id ?? ""}/complete`,
      headers: { ...auth, "content-type": "application/json", "if-match": s?.etag ?? "" },
      body: "{}",
    };
  };
  return (client) => {
    client.setRequests([{ setupRequest: (req) => ({ ...req, ...requestFor() }) }]);
  };
}
