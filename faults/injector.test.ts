// The fault injector itself: each kind does what the histories assume, and every transient
// error it throws is one the API answers as 503 DEPENDENCY_UNAVAILABLE with Retry-After.
import { describe, expect, it } from "vitest";
import { toProblemResponse } from "../shared/http/problem.js";
import {
  FaultInjector,
  InjectedCrash,
  faultyPublisher,
  transientError,
  type TransientFlavour,
} from "../test/support/faults.js";
import { RecordingPublisher } from "../test/support/harness.js";
import type { CloudEvent } from "../shared/domain/model.js";

const makeEvent = (id: string): CloudEvent => ({
  specversion: "1.0",
  id,
  source: "/tenants/t1/evaluation-sessions",
  type: "com.speechminer.evaluationsession.archived.v1",
  subject: "s1",
  time: "2026-11-26T10:00:00.000Z",
  datacontenttype: "application/json",
  data: { sessionId: "s1" },
});

describe("fault injector", () => {
  it.each<TransientFlavour>(["dependency", "status503", "status429", "network"])(
    "throws a %s error that the API maps to 503 DEPENDENCY_UNAVAILABLE with Retry-After",
    (flavour) => {
      const response = toProblemResponse(transientError(flavour, "sessions.get"), () => {}, 7);
      expect(response.status).toBe(503);
      expect(typeof response.body).toBe("string");
      expect(JSON.parse(typeof response.body === "string" ? response.body : "")).toMatchObject({
        code: "DEPENDENCY_UNAVAILABLE",
      });
      const headers = new Headers(response.headers);
      expect(Number(headers.get("retry-after"))).toBeGreaterThan(0);
    },
  );

  it("fails after the call took effect, and before it without effect", async () => {
    const f = new FaultInjector();
    f.enabled = true;
    f.reset([
      { kind: "failAfter", flavour: "dependency" },
      { kind: "failBefore", flavour: "network" },
    ]);
    let writes = 0;
    const write = () => Promise.resolve(++writes);
    await expect(f.around("sessions.replace", write)).rejects.toThrow(/unavailable/);
    expect(writes).toBe(1);
    await expect(f.around("sessions.replace", write)).rejects.toThrow(/socket hang up/);
    expect(writes).toBe(1);
    await expect(f.around("sessions.replace", write)).resolves.toBe(2);
    expect(f.counts).toMatchObject({ failAfter: 1, failBefore: 1 });
  });

  it("abandons all work in flight at a crash, while work started afterwards runs", async () => {
    const f = new FaultInjector();
    f.enabled = true;
    f.reset([
      { kind: "delay", turns: 2 },
      { kind: "crash", after: false },
    ]);
    const slow = f.run(() => f.around("sessions.get", () => Promise.resolve("slow")));
    const crashing = f.run(() => f.around("sessions.get", () => Promise.resolve("crash")));
    await expect(crashing).rejects.toBeInstanceOf(InjectedCrash);
    await expect(slow).rejects.toBeInstanceOf(InjectedCrash);
    await expect(
      f.run(() => f.around("sessions.get", () => Promise.resolve("after"))),
    ).resolves.toBe("after");
    expect(f.crashEpoch).toBe(1);
  });

  it("sends a duplicated publish twice, and does nothing while disabled", async () => {
    const f = new FaultInjector();
    const broker = new RecordingPublisher();
    const publisher = faultyPublisher(broker, f);
    f.reset([{ kind: "duplicate" }]);
    await publisher.publish([makeEvent("e0")]);
    expect(broker.published).toHaveLength(1);
    f.enabled = true;
    await publisher.publish([makeEvent("e1")]);
    expect(broker.published.map((e) => e.id)).toEqual(["e0", "e1", "e1"]);
    expect(f.counts.duplicate).toBe(1);
  });
});
