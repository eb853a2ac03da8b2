// The wake-up measurement end to end, briefly: a real server process and real TCP connections.
// No timings are asserted (they depend on the machine); only that every write was measured.
import { describe, expect, it } from "vitest";
import { allowedCpus, cpuSplit } from "./cpus.js";
import { measureWakeUp } from "./wake-up.js";

describe("measureWakeUp", () => {
  it("times the server's writes at each amount of work, with the reader asleep and awake", async () => {
    const before = allowedCpus();
    const result = await measureWakeUp(1, 0.2);
    if (!cpuSplit(before)) {
      expect(result).toBeNull(); // nowhere to pin: awake.ts is never turned on either
      return;
    }
    expect(result?.rows.map((r) => r.serverMicros)).toEqual([50, 300]);
    for (const row of result?.rows ?? []) {
      for (const writes of [row.asleep, row.awake]) {
        expect(writes.runs).toBe(1);
        expect(Number.isFinite(writes.median) && writes.median > 0).toBe(true);
      }
    }
    expect(allowedCpus()).toEqual(before); // this process is given its CPUs back
  }, 60_000);
});
