import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { generatorWorkMicros, keepAwake, turnDidWork } from "./awake.js";

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** The CPU time and the generator's work over `ms` of a kept-awake loop, `during` each turn. */
async function over(ms: number, during: () => void = () => undefined) {
  let on = true;
  const alongside = () => {
    if (!on) return;
    during();
    setImmediate(alongside);
  };
  const cpu = cpuMicros();
  const work = generatorWorkMicros();
  alongside();
  await sleep(ms);
  on = false;
  return { cpu: cpuMicros() - cpu, work: generatorWorkMicros() - work };
}

describe("keeping the load generator awake", () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it("keeps the loop busy, and counts the turns without a response as waiting, not work", async () => {
    stop = keepAwake();
    const { cpu, work } = await over(100);
    // Nothing arrived, so almost all of the CPU time went on empty turns.
    expect(cpu).toBeGreaterThan(0);
    expect(work).toBeLessThan(cpu / 2);
  });

  it("counts a turn in which a response arrived as the generator's work", async () => {
    stop = keepAwake();
    const { cpu, work } = await over(100, turnDidWork);
    expect(work).toBeGreaterThan(cpu / 2);
  });

  it("runs one loop at a time, and another once it is stopped", () => {
    stop = keepAwake();
    expect(() => keepAwake()).toThrow(/already/);
    stop();
    stop = keepAwake();
  });
});
