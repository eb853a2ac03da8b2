// Bounded concurrency for the use cases that fan out store calls (the analytics rebuild, a
// policy run's batch): a few at a time, so one call neither floods the store nor waits on each
// call in turn.

/**
 * Runs `run` on every item, at most `width` at a time. A failure rejects only once every run
 * has ended: the caller then reports or retries with no write of this call still going on.
 * The first failure (by worker) is the one thrown.
 */
export async function inParallel<T>(
  items: readonly T[],
  width: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  // One iterator for all workers: each takes the next item when its last one is done. (An array
  // iterator has no return(), so a worker that fails leaves the others their items.)
  const queue = items.values();
  const worker = async () => {
    for (const item of queue) await run(item);
  };
  const workers = Array.from({ length: Math.max(1, width) }, worker);
  const settled = await Promise.allSettled(workers);
  for (const result of settled) if (result.status === "rejected") throw result.reason;
}
