// The fault suite over the in-memory adapters: many random histories with faults injected into
// every store and publisher call, each checked against the service's promises.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { FaultInjector } from "../test/support/faults.js";
import { checkHistory } from "./invariants.js";
import { createFaultTemplate, forkEnv, historyArb, runHistory } from "./model.js";
import { FaultStats } from "./stats.js";

const HISTORIES = 1_000;
const stats = new FaultStats("in-memory");
const injector = new FaultInjector();

afterAll(() => {
  stats.faults(injector);
  console.log(stats.summary());
});

describe("fault histories over the in-memory adapters", () => {
  it(`keeps every promise across ${HISTORIES} random histories with injected faults`, async () => {
    const template = await createFaultTemplate(injector);
    await fc.assert(
      fc.asyncProperty(historyArb(), async (history) => {
        const env = await forkEnv(template);
        const record = await runHistory(env, history);
        stats.add(history, record, env);
        const violations = await checkHistory(env, record);
        expect(violations).toEqual([]);
      }),
      { numRuns: HISTORIES },
    );
    expect(stats.histories).toBeGreaterThanOrEqual(HISTORIES);
    expect(injector.injected).toBeGreaterThan(0);
  }, 120_000);
});
