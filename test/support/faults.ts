// Fault injection for the fault suite (faults/**, test/faults-cosmos.test.ts): wrappers around
// the store and publisher ports that fail, delay, duplicate or "crash" any call on a schedule
// chosen by fast-check, and an HTTPS proxy in front of cosmosdb-server that answers 429/503 on
// the wire, so the real @azure/cosmos client's retries are what is tested.
import type { Window } from "../../shared/domain/analytics-window.js";
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  createServer,
  request as httpsRequest,
  type Server,
  type RequestOptions,
} from "node:https";
import type { AddressInfo } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import type {
  ActionItem,
  CloudEvent,
  Dispute,
  Form,
  HistoryEntry,
  Hold,
  Interaction,
  SessionDocument,
  VersionSnapshot,
} from "../../shared/domain/model.js";
import { DependencyUnavailableError } from "../../shared/dependency-errors.js";
import type { Operation } from "../../shared/domain/operations.js";
import type { OutboxDone } from "../../shared/domain/outbox.js";
import type { AnalyticsDocument } from "../../shared/domain/analytics.js";
import type { LastRun, Policy } from "../../shared/domain/policies.js";
import type {
  ActionItemFilter,
  ActionItemStore,
  AnalyticsStore,
  BucketQuery,
  DisputeFilter,
  DisputeStore,
  HistoryStore,
  VersionStore,
  EventPublisher,
  FormStore,
  InteractionFilter,
  InteractionStore,
  OperationStore,
  PageRequest,
  PolicyStore,
  PoolFilter,
  SessionFilter,
  SessionStore,
} from "../../shared/ports.js";

// ---------- the schedule ----------

/**
 * What happens to one port call:
 * - `failBefore`: a transient error, nothing written (a 503 from Cosmos, a refused connection);
 * - `failAfter`: the call takes effect but the caller sees a transient error (a lost response);
 * - `delay`: the call yields to other work first, so concurrent requests interleave;
 * - `duplicate`: publish only: the batch is sent twice (a retried send whose first try landed);
 * - `crash`: the process dies here: this call and all work in flight with it fail.
 */
export type FaultKind = "failBefore" | "failAfter" | "delay" | "duplicate" | "crash";
/** The transient errors a dependency really throws, all of which the API must map to 503. */
export type TransientFlavour = "dependency" | "status503" | "status429" | "network";

export type Fault =
  | { kind: "none" }
  | { kind: "failBefore" | "failAfter"; flavour: TransientFlavour }
  | { kind: "delay"; turns: number }
  | { kind: "duplicate" }
  | { kind: "crash"; after: boolean };

/** Every port call passes through here; the name says which (`sessions.replace`, `publisher.publish`). */
export type FaultSite = string;

/** Thrown at and after a crash: the process is gone, nothing it was doing completes. */
export class InjectedCrash extends Error {
  constructor(site: FaultSite) {
    super(`injected crash at ${site}`);
    this.name = "InjectedCrash";
  }
}

export function transientError(flavour: TransientFlavour, site: FaultSite): Error {
  switch (flavour) {
    case "dependency":
      return new DependencyUnavailableError(site.split(".")[0] ?? "store", 2);
    case "status503":
      return Object.assign(new Error(`Service Unavailable (injected at ${site})`), {
        statusCode: 503,
      });
    case "status429":
      return Object.assign(new Error(`Too Many Requests (injected at ${site})`), {
        statusCode: 429,
      });
    case "network":
      return Object.assign(new Error(`socket hang up (injected at ${site})`), {
        code: "ECONNRESET",
      });
  }
}

/** Lets other pending work run first (setImmediate keeps the order deterministic). */
export async function yieldTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Decides and records the fault of every call. The plan is a list consumed call by call (calls
 * beyond its end run normally), so fast-check can generate and shrink it. A crash ends the
 * current "process": every unit of work started before it (see run()) fails from then on,
 * while work started afterwards (the restarted process) runs normally.
 */
export class FaultInjector {
  /** Off during set-up and the final fault-free sweeps and deliveries. */
  enabled = false;
  private plan: readonly Fault[] = [];
  private position = 0;
  private readonly work = new AsyncLocalStorage<number>();
  /** Bumped by every crash: a request that ends in another epoch than it began was abandoned. */
  crashEpoch = 0;
  readonly counts: Record<FaultKind, number> = {
    failBefore: 0,
    failAfter: 0,
    delay: 0,
    duplicate: 0,
    crash: 0,
  };
  /** Faults injected so far (a request compares the count before and after it). */
  injected = 0;
  /** Port calls made while enabled. */
  calls = 0;

  /** Starts a new plan (the counts keep adding up across histories). */
  reset(plan: readonly Fault[]): void {
    this.plan = plan;
    this.position = 0;
  }

  /** Runs fn as one unit of work (a request, a delivery, a sweep) of the current process. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.work.run(this.crashEpoch, fn);
  }

  /** True when the work calling this was started before a crash. */
  private abandoned(): boolean {
    const epoch = this.work.getStore();
    return epoch !== undefined && epoch !== this.crashEpoch;
  }

  private next(site: FaultSite): Fault {
    if (!this.enabled) return { kind: "none" };
    this.calls++;
    const fault = this.plan[this.position++] ?? { kind: "none" };
    // A duplicate means something only for a send; elsewhere it is a plain call.
    if (fault.kind === "duplicate" && site !== "publisher.publish") return { kind: "none" };
    if (fault.kind !== "none") {
      this.counts[fault.kind]++;
      this.injected++;
    }
    return fault;
  }

  /** Runs one port call under the schedule. `repeat` re-runs it for a duplicate. */
  async around<T>(site: FaultSite, run: () => Promise<T>, repeat = false): Promise<T> {
    if (this.abandoned()) throw new InjectedCrash(site);
    const fault = this.next(site);
    switch (fault.kind) {
      case "none":
        return run();
      case "failBefore":
        throw transientError(fault.flavour, site);
      case "failAfter":
        await run();
        throw transientError(fault.flavour, site);
      case "delay": {
        await yieldTurns(fault.turns);
        if (this.abandoned()) throw new InjectedCrash(site);
        return run();
      }
      case "duplicate": {
        const result = await run();
        if (repeat) await run();
        return result;
      }
      case "crash":
        if (fault.after) await run();
        this.crashEpoch++;
        throw new InjectedCrash(site);
    }
  }
}

// ---------- port wrappers ----------

export function faultyForms(inner: FormStore, f: FaultInjector): FormStore {
  return {
    get: (tenantId: string, id: string) => f.around("forms.get", () => inner.get(tenantId, id)),
    create: (form: Form) => f.around("forms.create", () => inner.create(form)),
    replace: (form: Form, etag: string) =>
      f.around("forms.replace", () => inner.replace(form, etag)),
    list: (tenantId: string, page: PageRequest) =>
      f.around("forms.list", () => inner.list(tenantId, page)),
  };
}

export function faultyInteractions(inner: InteractionStore, f: FaultInjector): InteractionStore {
  return {
    get: (tenantId: string, id: string) =>
      f.around("interactions.get", () => inner.get(tenantId, id)),
    createIfAbsent: (interaction: Interaction) =>
      f.around("interactions.createIfAbsent", () => inner.createIfAbsent(interaction)),
    list: (tenantId: string, filter: InteractionFilter, page: PageRequest) =>
      f.around("interactions.list", () => inner.list(tenantId, filter, page)),
    getStored: (tenantId: string, id: string) =>
      f.around("interactions.getStored", () => inner.getStored(tenantId, id)),
    listFree: (tenantId: string, filter: InteractionFilter, limit: number) =>
      f.around("interactions.listFree", () => inner.listFree(tenantId, filter, limit)),
    setHold: (tenantId: string, id: string, hold: Hold | null, etag: string) =>
      f.around("interactions.setHold", () => inner.setHold(tenantId, id, hold, etag)),
    addTag: (tenantId: string, id: string, tag: string) =>
      f.around("interactions.addTag", () => inner.addTag(tenantId, id, tag)),
    listPool: (tenantId: string, filter: PoolFilter) =>
      f.around("interactions.listPool", () => inner.listPool(tenantId, filter)),
  };
}

export function faultySessions(inner: SessionStore, f: FaultInjector): SessionStore {
  return {
    get: (tenantId: string, id: string) => f.around("sessions.get", () => inner.get(tenantId, id)),
    create: (session: SessionDocument) => f.around("sessions.create", () => inner.create(session)),
    replace: (session: SessionDocument, etag: string) =>
      f.around("sessions.replace", () => inner.replace(session, etag)),
    list: (tenantId: string, filter: SessionFilter, page: PageRequest) =>
      f.around("sessions.list", () => inner.list(tenantId, filter, page)),
    withPendingEvents: (limit: number) =>
      f.around("sessions.withPendingEvents", () => inner.withPendingEvents(limit)),
    clearOutbox: (tenantId: string, id: string, done: OutboxDone, etag: string) =>
      f.around("sessions.clearOutbox", () => inner.clearOutbox(tenantId, id, done, etag)),
    policySessions: (tenantId: string, policyId: string, period: string) =>
      f.around("sessions.policySessions", () => inner.policySessions(tenantId, policyId, period)),
    openByEvaluator: (tenantId: string, evaluatorIds: readonly string[], now: string) =>
      f.around("sessions.openByEvaluator", () =>
        inner.openByEvaluator(tenantId, evaluatorIds, now),
      ),
  };
}

export function faultyPolicies(inner: PolicyStore, f: FaultInjector): PolicyStore {
  return {
    get: (tenantId: string, id: string) => f.around("policies.get", () => inner.get(tenantId, id)),
    create: (policy: Policy) => f.around("policies.create", () => inner.create(policy)),
    replace: (policy: Policy, etag: string) =>
      f.around("policies.replace", () => inner.replace(policy, etag)),
    setLastRun: (tenantId: string, id: string, lastRun: LastRun, etag: string) =>
      f.around("policies.setLastRun", () => inner.setLastRun(tenantId, id, lastRun, etag)),
    list: (tenantId: string, page: PageRequest) =>
      f.around("policies.list", () => inner.list(tenantId, page)),
    enabled: (limit: number) => f.around("policies.enabled", () => inner.enabled(limit)),
  };
}

export function faultyOperations(inner: OperationStore, f: FaultInjector): OperationStore {
  return {
    get: (tenantId: string, id: string) =>
      f.around("operations.get", () => inner.get(tenantId, id)),
    createIfAbsent: (op: Operation) =>
      f.around("operations.createIfAbsent", () => inner.createIfAbsent(op)),
    replace: (op: Operation, etag: string) =>
      f.around("operations.replace", () => inner.replace(op, etag)),
    list: (tenantId: string, filter: { policyId?: string | undefined }, page: PageRequest) =>
      f.around("operations.list", () => inner.list(tenantId, filter, page)),
    stale: (until: string, limit: number) =>
      f.around("operations.stale", () => inner.stale(until, limit)),
  };
}

export function faultyActionItems(inner: ActionItemStore, f: FaultInjector): ActionItemStore {
  return {
    get: (tenantId: string, id: string) =>
      f.around("actionItems.get", () => inner.get(tenantId, id)),
    createIfAbsent: (item: ActionItem) =>
      f.around("actionItems.createIfAbsent", () => inner.createIfAbsent(item)),
    replace: (item: ActionItem, etag: string) =>
      f.around("actionItems.replace", () => inner.replace(item, etag)),
    list: (tenantId: string, filter: ActionItemFilter, page: PageRequest) =>
      f.around("actionItems.list", () => inner.list(tenantId, filter, page)),
  };
}

export function faultyHistory(inner: HistoryStore, f: FaultInjector): HistoryStore {
  return {
    add: (tenantId: string, sessionId: string, entries: readonly HistoryEntry[]) =>
      f.around("history.add", () => inner.add(tenantId, sessionId, entries)),
    list: (tenantId: string, sessionId: string, page: PageRequest) =>
      f.around("history.list", () => inner.list(tenantId, sessionId, page)),
  };
}

export function faultyVersions(inner: VersionStore, f: FaultInjector): VersionStore {
  return {
    add: (tenantId: string, sessionId: string, versions: readonly VersionSnapshot[]) =>
      f.around("versions.add", () => inner.add(tenantId, sessionId, versions)),
    list: (tenantId: string, sessionId: string) =>
      f.around("versions.list", () => inner.list(tenantId, sessionId)),
    get: (tenantId: string, sessionId: string, version: number) =>
      f.around("versions.get", () => inner.get(tenantId, sessionId, version)),
  };
}

export function faultyDisputes(inner: DisputeStore, f: FaultInjector): DisputeStore {
  return {
    project: (tenantId: string, disputes: readonly Dispute[], revision: number) =>
      f.around("disputes.project", () => inner.project(tenantId, disputes, revision)),
    list: (tenantId: string, filter: DisputeFilter, page: PageRequest) =>
      f.around("disputes.list", () => inner.list(tenantId, filter, page)),
    resolvedIn: (tenantId: string, window: Window) =>
      f.around("disputes.resolvedIn", () => inner.resolvedIn(tenantId, window)),
  };
}

export function faultyAnalytics(inner: AnalyticsStore, f: FaultInjector): AnalyticsStore {
  return {
    getBucket: (tenantId: string, id: string) =>
      f.around("analytics.getBucket", () => inner.getBucket(tenantId, id)),
    getCatalog: (tenantId: string, formId: string) =>
      f.around("analytics.getCatalog", () => inner.getCatalog(tenantId, formId)),
    put: (doc: AnalyticsDocument, etag: string | null) =>
      f.around("analytics.put", () => inner.put(doc, etag)),
    buckets: (tenantId: string, query: BucketQuery) =>
      f.around("analytics.buckets", () => inner.buckets(tenantId, query)),
    catalogs: (tenantId: string) => f.around("analytics.catalogs", () => inner.catalogs(tenantId)),
    clear: (tenantId: string) => f.around("analytics.clear", () => inner.clear(tenantId)),
  };
}

export function faultyPublisher(inner: EventPublisher, f: FaultInjector): EventPublisher {
  return {
    publish: (events: readonly CloudEvent[]) =>
      f.around("publisher.publish", () => inner.publish(events), true),
  };
}

export interface FaultyPorts {
  forms: FormStore;
  interactions: InteractionStore;
  sessions: SessionStore;
  actionItems: ActionItemStore;
  history: HistoryStore;
  versions: VersionStore;
  disputes: DisputeStore;
  policies: PolicyStore;
  operations: OperationStore;
  analytics: AnalyticsStore;
  publisher: EventPublisher;
}

/** Every store and the publisher behind one injector. */
export function faultyPorts(inner: FaultyPorts, f: FaultInjector): FaultyPorts {
  return {
    forms: faultyForms(inner.forms, f),
    interactions: faultyInteractions(inner.interactions, f),
    sessions: faultySessions(inner.sessions, f),
    actionItems: faultyActionItems(inner.actionItems, f),
    history: faultyHistory(inner.history, f),
    versions: faultyVersions(inner.versions, f),
    disputes: faultyDisputes(inner.disputes, f),
    policies: faultyPolicies(inner.policies, f),
    operations: faultyOperations(inner.operations, f),
    analytics: faultyAnalytics(inner.analytics, f),
    publisher: faultyPublisher(inner.publisher, f),
  };
}

// ---------- faults on the wire to cosmosdb-server ----------

/**
 * What the proxy does with one HTTP request: pass it on; answer 429 (with
 * `x-ms-retry-after-ms`) or 503 without passing it on; or pass it on and answer 503 instead of
 * the real response (the write happened, the client does not know).
 */
export type WireFault =
  | { kind: "pass" }
  | { kind: "throttle"; retryAfterMs: number }
  | { kind: "unavailable" }
  | { kind: "lostResponse" };

export interface WireRequest {
  method: string;
  path: string;
}

export interface CosmosFaultProxy {
  /** The endpoint to give the Cosmos client instead of the stand-in's. */
  endpoint: string;
  /** Decides each request's fault; by default everything passes. */
  decide: (request: WireRequest) => WireFault;
  readonly counts: {
    requests: number;
    throttle: number;
    unavailable: number;
    lostResponse: number;
  };
  close(): Promise<void>;
}

/** The stand-in's own self-signed certificate, so the client trusts the proxy like the stand-in. */
function standInCertificate(): { cert: Buffer; key: Buffer } {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve("@vercel/cosmosdb-server/package.json"));
  return { cert: readFileSync(join(root, "cert.pem")), key: readFileSync(join(root, "key.pem")) };
}

function cosmosError(res: ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(
    JSON.stringify({
      code: status === 429 ? "TooManyRequests" : "ServiceUnavailable",
      message: `injected ${status}`,
    }),
  );
}

/** An HTTPS proxy on a loopback port in front of cosmosdb-server that injects faults. */
export async function startCosmosFaultProxy(upstream: string): Promise<CosmosFaultProxy> {
  const target = new URL(upstream);
  const counts = { requests: 0, throttle: 0, unavailable: 0, lostResponse: 0 };
  const proxy: CosmosFaultProxy = {
    endpoint: "",
    decide: () => ({ kind: "pass" }),
    counts,
    close: () => Promise.resolve(),
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, lose: boolean) => {
    const options: RequestOptions = {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
      rejectUnauthorized: false,
    };
    const upstreamRequest = httpsRequest(options, (upstreamResponse) => {
      const chunks: Buffer[] = [];
      upstreamResponse.on("data", (chunk: Buffer) => chunks.push(chunk));
      upstreamResponse.on("end", () => {
        if (lose) {
          cosmosError(res, 503, {});
          return;
        }
        const headers = { ...upstreamResponse.headers };
        delete headers.connection;
        delete headers["transfer-encoding"];
        res.writeHead(upstreamResponse.statusCode ?? 502, headers);
        res.end(Buffer.concat(chunks));
      });
    });
    upstreamRequest.on("error", () => cosmosError(res, 503, {}));
    upstreamRequest.end(body);
  };

  const server: Server = createServer(standInCertificate(), (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      counts.requests++;
      const fault = proxy.decide({ method: req.method ?? "GET", path: req.url ?? "/" });
      switch (fault.kind) {
        case "pass":
          forward(req, Buffer.concat(chunks), res, false);
          return;
        case "throttle":
          counts.throttle++;
          cosmosError(res, 429, { "x-ms-retry-after-ms": String(fault.retryAfterMs) });
          return;
        case "unavailable":
          counts.unavailable++;
          cosmosError(res, 503, {});
          return;
        case "lostResponse":
          counts.lostResponse++;
          forward(req, Buffer.concat(chunks), res, true);
          return;
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  proxy.endpoint = `https://127.0.0.1:${port}/`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

/** A decider that throws the next `n` requests matching `match`, then passes. */
export function failNext(
  n: number,
  fault: Exclude<WireFault, { kind: "pass" }>,
  match: (request: WireRequest) => boolean = () => true,
): (request: WireRequest) => WireFault {
  let left = n;
  return (request) => {
    if (left > 0 && match(request)) {
      left--;
      return fault;
    }
    return { kind: "pass" };
  };
}
