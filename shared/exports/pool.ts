// The export workers: a small pool of worker threads (tinypool) that renders pdf and xlsx
// exports, so their seconds of CPU never stall the event loop every other request of the
// instance waits on (audit finding F5, docs/security.md). Bounded twice: EXPORT_WORKERS threads,
// and at most EXPORT_QUEUE_LIMIT exports waiting for one; an export beyond that is refused at
// once with DependencyUnavailableError, which callers answer 503 DEPENDENCY_UNAVAILABLE with
// Retry-After. Nothing starts before the first export: tinypool is imported then, and threads
// exist only while exports run (and a minute after, so a burst reuses a warm one).
import type { Tinypool } from "tinypool";
import { settingsSchema, type Config } from "../config.js";
import { DependencyUnavailableError } from "../dependency-errors.js";
import type { WorkerTask } from "./worker.js";

export type ExportPoolSettings = Pick<
  Config,
  "EXPORT_WORKERS" | "EXPORT_QUEUE_LIMIT" | "DEPENDENCY_RETRY_AFTER_SECONDS"
>;

/** The settings' own defaults, for callers without a configuration (tests, the benchmark). */
export const defaultExportPoolSettings: ExportPoolSettings = settingsSchema
  .pick({ EXPORT_WORKERS: true, EXPORT_QUEUE_LIMIT: true, DEPENDENCY_RETRY_AFTER_SECONDS: true })
  .parse({});

const IDLE_MS = 60_000;

/**
 * Where the worker's code is: in the built package (scripts/build.ts), export-worker.js beside
 * this code; from the TypeScript sources (vitest, tsx, `npm start`), worker-from-source.mjs,
 * which loads worker.ts through tsx.
 */
const workerFile = import.meta.url.endsWith(".ts")
  ? new URL("./worker-from-source.mjs", import.meta.url)
  : new URL("./export-worker.js", import.meta.url);

class ExportPool {
  #inFlight = 0;
  #pool: Promise<Tinypool> | undefined;
  /** Why a pool was torn down, for the exports it failed. */
  readonly #failures = new WeakMap<Tinypool, unknown>();

  constructor(private readonly settings: ExportPoolSettings) {}

  #start(): Promise<Tinypool> {
    const started = import("tinypool").then(({ Tinypool }) => {
      const pool = new Tinypool({
        filename: workerFile.href,
        minThreads: 0,
        maxThreads: this.settings.EXPORT_WORKERS,
        idleTimeout: IDLE_MS,
        // Not the parent's flags: those of a script run with `-e` (and its --input-type) or of
        // a host would only break or slow the worker's start.
        execArgv: [],
      });
      // tinypool reports a worker that dies before taking a task (a missing or broken worker
      // file) only here, and leaves the exports waiting for it waiting. Fail them with that
      // error instead, and start afresh on the next export.
      pool.on("error", (error: unknown) => {
        this.#failures.set(pool, error);
        if (this.#pool === started) this.#pool = undefined;
        void pool.destroy();
      });
      return pool;
    });
    return started;
  }

  async run(task: WorkerTask): Promise<Uint8Array> {
    const { EXPORT_WORKERS, EXPORT_QUEUE_LIMIT, DEPENDENCY_RETRY_AFTER_SECONDS } = this.settings;
    // Counted here rather than by tinypool's own queue, which also counts threads still starting.
    if (this.#inFlight >= EXPORT_WORKERS + EXPORT_QUEUE_LIMIT) {
      throw new DependencyUnavailableError("export workers", DEPENDENCY_RETRY_AFTER_SECONDS);
    }
    this.#inFlight++;
    try {
      const pool = await (this.#pool ??= this.#start());
      const result: unknown = await pool.run(task).catch((error: unknown) => {
        throw this.#failures.get(pool) ?? error;
      });
      if (!(result instanceof Uint8Array)) throw new Error("The export worker returned no bytes");
      return result;
    } finally {
      this.#inFlight--;
    }
  }
}

const pools = new Map<string, ExportPool>();

/** Renders in the process's pool for these settings (one in production; tests may set others). */
export function renderInPool(task: WorkerTask, settings: ExportPoolSettings): Promise<Uint8Array> {
  const key = JSON.stringify([
    settings.EXPORT_WORKERS,
    settings.EXPORT_QUEUE_LIMIT,
    settings.DEPENDENCY_RETRY_AFTER_SECONDS,
  ]);
  let pool = pools.get(key);
  if (!pool) {
    pool = new ExportPool(settings);
    pools.set(key, pool);
  }
  return pool.run(task);
}
