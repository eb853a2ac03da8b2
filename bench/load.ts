// HTTP throughput and latency with autocannon against bench/server.ts (a child process, so the
// load generator does not share its CPU). Saves use one session per connection and the ETag of
// that connection's previous response, so a 412 here would be a bug, not contention.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import autocannon, { type Client, type Options, type Request, type Result } from "autocannon";
import { summarize, type Summary } from "./stats.js";
import type { BenchSession, ServerReady } from "./server.js";

const root = resolve(import.meta.dirname, "..");

export interface Latency {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  non2xx: number;
}

export interface LoadResult {
  /** requests/s of the save ÷ requests/s of the no-op, per paired run. */
  saveVsHealthThroughput: Summary;
  saveRps: Summary;
  noopRps: Summary;
  saves: number;
  saveStatus412: number;
  saveNon2xx: number;
  latencyMs: { get: Latency; save: Latency; complete: Latency; gridPage: Latency };
  connections: number;
  secondsPerRun: number;
}

async function startServer(
  toSave: number,
  toComplete: number,
): Promise<{
  ready: ServerReady;
  child: ChildProcess;
}> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "bench/server.ts", String(toSave), String(toComplete)],
    { cwd: root, stdio: ["ignore", "pipe", "ignore"] },
  );
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith("{")) return { ready: JSON.parse(line) as ServerReady, child };
  }
  throw new Error("The benchmark server exited before it was ready.");
}

/**
 * Runs autocannon and adds the rate over the run's own span (first request to last response):
 * autocannon notices the end of a fixed `amount` only on its next one-second tick, so its own
 * duration would round every short run up to whole seconds.
 */
async function timed(options: Options): Promise<Result & { rate: number }> {
  const t0 = performance.now();
  let last = t0;
  let responses = 0;
  const setup = options.setupClient;
  const result = await autocannon({
    ...options,
    setupClient: (client) => {
      setup?.(client);
      client.on("response", () => {
        responses++;
        last = performance.now();
      });
    },
  });
  return { ...result, rate: responses / ((last - t0) / 1000) };
}

const rate = (r: Result & { rate: number }): number => r.rate;

const latencyOf = (r: Result & { rate: number }): Latency => ({
  p50: r.latency.p50,
  p99: r.latency.p99,
  requestsPerSecond: rate(r),
  non2xx: r.non2xx,
});

/** Each connection takes the next session of `pool` and keeps its own ETag. */
function perConnection(
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

export async function measureLoad(options: {
  runs: number;
  seconds: number;
  connections: number;
  completes: number;
}): Promise<LoadResult> {
  const { runs, seconds, connections } = options;
  const { ready, child } = await startServer(connections, options.completes);
  try {
    const url = `http://127.0.0.1:${ready.port}`;
    const evaluator = { authorization: `Bearer ${ready.evaluatorToken}` };
    let toggle = 0;
    const saveRequest = (s: BenchSession, etag: string): Request => ({
      method: "PUT",
      path: `/api/sessions/${s.id}/answers`,
      headers: { ...evaluator, "content-type": "application/json", "if-match": etag },
      // A typical autosave: one answer changed; the whole 5 × 40 session is rescored and written.
      body: JSON.stringify({
        answers: { [s.formId]: { q1: { answerIds: [toggle++ % 2 ? "yes" : "no"] } } },
      }),
    });
    let status412 = 0;
    let saves = 0;
    const countStatus = (status: number) => {
      saves++;
      if (status === 412) status412++;
    };
    // Fixed amounts, not durations: a run ends only when every response arrived, so no save is
    // cut off mid-flight (its ETag lost) between runs. Amounts are sized from the warm-up rates.
    let noopAmount = 0;
    let saveAmount = 0;
    const noop = () =>
      noopAmount
        ? timed({ url: `${url}/api/bench/noop`, connections, amount: noopAmount })
        : timed({ url: `${url}/api/bench/noop`, connections, duration: seconds });
    const saveClients = perConnection(ready.toSave, saveRequest, countStatus);
    const save = () =>
      timed({
        url,
        connections,
        ...(saveAmount ? { amount: saveAmount } : { duration: seconds }),
        setupClient: saveClients,
      });

    // Warm-up (JIT, caches) for both paths, not recorded.
    const amountFor = (r: Result & { rate: number }) =>
      Math.max(connections * 20, Math.round(r.rate * seconds));
    noopAmount = amountFor(await noop());
    // The warm-up save runs a fixed amount too: a duration would cut saves off mid-flight.
    saveAmount = connections * 20;
    const warmSave = await save();
    saveAmount = amountFor(warmSave);
    status412 = 0;
    saves = 0;
    const ratios: number[] = [];
    const saveRps: number[] = [];
    const noopRps: number[] = [];
    let saveNon2xx = 0;
    let lastSave: (Result & { rate: number }) | undefined;
    for (let i = 0; i < runs; i++) {
      const n = await noop();
      const s = await save();
      saveNon2xx += s.non2xx;
      lastSave = s;
      noopRps.push(rate(n));
      saveRps.push(rate(s));
      // requests.average is per-second samples; whole-run rates also count the last partial second.
      ratios.push(rate(s) / rate(n));
    }

    const get = await timed({
      url: `${url}/api/sessions/${ready.toSave[0]?.id ?? ""}`,
      connections,
      duration: seconds,
      headers: evaluator,
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
      setupClient: completeEach(ready.toComplete, evaluator),
    });
    return {
      saveVsHealthThroughput: summarize(ratios),
      saveRps: summarize(saveRps),
      noopRps: summarize(noopRps),
      saves,
      saveStatus412: status412,
      saveNon2xx,
      latencyMs: {
        get: latencyOf(get),
        save: latencyOf(lastSave ?? (await save())),
        complete: latencyOf(complete),
        gridPage: latencyOf(gridPage),
      },
      connections,
      secondsPerRun: seconds,
    };
  } finally {
    child.kill();
  }
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
