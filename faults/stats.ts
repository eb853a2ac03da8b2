// What a fault run did, for the one-line summary printed at the end of the suite.
import type { FaultInjector, FaultKind } from "../test/support/faults.js";
import type { FaultEnv, History, HistoryRecord } from "./model.js";

export class FaultStats {
  histories = 0;
  steps = 0;
  requests = 0;
  abandoned = 0;
  deliveries = 0;
  redeliveries = 0;
  reorderedBatches = 0;
  replayedDrops = 0;
  portCalls = 0;
  completions = 0;
  notifications = 0;
  disputes = 0;
  resolutions = 0;
  creations = 0;
  runs = 0;
  continuedRuns = 0;
  readonly injected: Record<FaultKind, number> = {
    failBefore: 0,
    failAfter: 0,
    delay: 0,
    duplicate: 0,
    crash: 0,
  };
  readonly wire: Record<string, number> = {};
  private readonly started = performance.now();

  constructor(private readonly name: string) {}

  add(history: History, record: HistoryRecord, env: FaultEnv): void {
    this.histories++;
    this.steps += history.steps.reduce((n, step) => n + step.ops.length, 0);
    this.requests += record.attempts.length;
    this.abandoned += record.attempts.filter((a) => a.outcome === "abandoned").length;
    this.completions += record.attempts.filter(
      (a) => a.fn === "sessionsComplete" && a.outcome === "answered" && a.status === 200,
    ).length;
    this.notifications += record.attempts.filter(
      (a) => a.fn === "sessionsNotifyAgent" && a.outcome === "answered" && a.status < 300,
    ).length;
    const acked = (fn: string) =>
      record.attempts.filter((a) => a.fn === fn && a.outcome === "answered" && a.status < 300)
        .length;
    this.disputes += acked("sessionsDisputes");
    this.resolutions += acked("disputesResolve");
    this.creations += acked("sessionsCreate");
    this.runs += record.attempts.filter(
      (a) => a.fn === "policiesRun" && a.outcome === "answered" && a.status === 202,
    ).length;
    this.continuedRuns += record.continuedRuns;
    this.deliveries += env.topic.deliveries;
    this.redeliveries += env.topic.duplicates;
    this.reorderedBatches += env.topic.reordered;
    this.replayedDrops += env.topic.drops;
  }

  /** Takes the injector's totals (they add up across histories). */
  faults(injector: FaultInjector): void {
    Object.assign(this.injected, injector.counts);
    this.portCalls = injector.calls;
  }

  summary(): string {
    const kinds = Object.entries(this.injected)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    const wire = Object.entries(this.wire)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    return (
      `fault suite (${this.name}): ${this.histories} histories, ${this.steps} operations, ` +
      `${this.requests} HTTP requests (${this.abandoned} abandoned by crashes; ` +
      `${this.completions} completions, ${this.notifications} notify requests, ` +
      `${this.creations} creations, ${this.disputes} disputes and ${this.resolutions} ` +
      `resolutions acknowledged; ` +
      `${this.runs} policy runs started, ${this.continuedRuns} continued by the timer), ` +
      `${this.deliveries} deliveries (${this.redeliveries} forced redeliveries, ` +
      `${this.reorderedBatches} reordered batches, ${this.replayedDrops} dead-lettered and replayed), ` +
      `${this.portCalls} port calls; faults injected: ${kinds}` +
      (wire ? `; on the wire: ${wire}` : "") +
      ` in ${seconds} s`
    );
  }
}
