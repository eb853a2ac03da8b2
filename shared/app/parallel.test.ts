import { describe, expect, it } from "vitest";
import { inParallel } from "./parallel.js";

/** A promise and the function that settles it. */
function gate() {
  let resolve: (() => void) | undefined;
  const opened = new Promise<void>((done) => {
    resolve = done;
  });
  return { opened, open: () => resolve?.() };
}

// rule-audit finding 13: the analytics rebuild's pool rejected at the first failure while its
// other workers went on unobserved; a policy run's waited for them. One pool now, which waits.
describe("rule audit 13: one bounded worker pool", () => {
  it("rejects with a failure only once the runs in flight have ended", async () => {
    const slow = gate();
    const ended: number[] = [];
    let settled = false;
    const pool = inParallel([1, 2, 3], 2, async (item) => {
      if (item === 1) {
        await slow.opened;
        ended.push(item);
      } else if (item === 2) throw new Error("item 2 failed");
      else ended.push(item);
    }).finally(() => (settled = true));
    const outcome = pool.then(
      () => "fulfilled",
      (error: unknown) => (error instanceof Error ? error.message : "?"),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    slow.open();
    expect(await outcome).toBe("item 2 failed");
    expect(ended.sort()).toEqual([1, 3]);
  });

  it("runs at most `width` at a time, every item once", async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await inParallel(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (item) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, item % 3));
        seen.push(item);
        running--;
      },
    );
    expect(most).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
