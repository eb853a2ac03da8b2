// The fault suite's model: random histories of API calls, deliveries, sweeps and crashes run
// against the registered handlers with faults injected into every store and publisher call,
// then the service's promises checked on what was acknowledged and what is stored.
// faults/histories.test.ts runs it over the in-memory adapters, test/faults-cosmos.test.ts
// over cosmosdb-server.
import { InvocationContext, type Timer } from "@azure/functions";
import fc from "fast-check";
import { z } from "zod";
import type {
  CloudEvent,
  Form,
  HistoryEntry,
  Interaction,
  SessionDocument,
} from "../shared/domain/model.js";
import type { Actor as Principal } from "../shared/domain/access.js";
import { STALE_RUN_MS } from "../shared/domain/operations.js";
import type { Policy } from "../shared/domain/policies.js";
import {
  registeredFunctions,
  takesSubject,
  type ServiceBusFunctionDefinition,
  type TimerFunctionDefinition,
} from "../shared/registry.js";
import { setServices, type Services } from "../shared/services.js";
import {
  faultyPorts,
  type FaultyPorts,
  type FaultInjector,
  type Fault,
  type TransientFlavour,
} from "../test/support/faults.js";
import { createInMemoryStores } from "../shared/adapters/in-memory/index.js";
import {
  createTestApp,
  RecordingPublisher,
  type CallResult,
  type TestApp,
} from "../test/support/harness.js";
import { admin, agent, alice, createForm, ingest, tenant } from "../test/support/scenario.js";

// ---------- histories ----------

export const SESSIONS = 2;
/** Session 1 is created from criteria, so replace-interaction can succeed on it. */
const CRITERIA_SESSION = 1;
const SPARE_INTERACTIONS = 2;

export type Caller = "alice" | "admin";

export type Op =
  | { k: "read"; s: number }
  | { k: "save"; s: number; variant: number; fresh: boolean; as: Caller }
  | { k: "complete"; s: number; notify: boolean; fresh: boolean }
  | { k: "replace"; s: number; fresh: boolean; as: Caller }
  | { k: "archive"; s: number }
  /** The usual UI flow: fill in every required answer, then complete. */
  | { k: "finish"; s: number; notify: boolean }
  | { k: "notify"; s: number; key: number | null; as: Caller }
  /** Another session on an interaction: the earliest free of the agent's, or template one. */
  | { k: "create"; pick: number | null }
  /** An Administrator disputes `greet`; alice resolves (accepting or not) or it is withdrawn. */
  | { k: "raise"; s: number }
  | { k: "resolve"; s: number; n: number; accept: boolean }
  | { k: "withdraw"; s: number; n: number }
  | { k: "sweep" }
  /** A policy run over the template's interactions (a dry run, or one answered 202). */
  | { k: "run"; dry: boolean }
  /** The policies timer, once any run in flight counts as cut short. */
  | { k: "timer" }
  /** Tries every queued message once, in an order drawn from `order` (0: as queued). */
  | { k: "deliver"; order: number }
  | { k: "redeliver"; pick: number }
  /** A queued message is dead-lettered; it is replayed (redelivered) when the history settles. */
  | { k: "drop"; pick: number }
  | { k: "advance" };

/** One step: one operation, or two at once (their port calls interleave under `delay`). */
export interface Step {
  ops: Op[];
  /** How often a client retries a request that answered 503 or whose connection died. */
  retries: number;
}

export interface History {
  steps: Step[];
  faults: Fault[];
}

const session = fc.nat({ max: SESSIONS - 1 });
const caller = fc.constantFrom<Caller>("alice", "alice", "admin");

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant("read" as const), s: session }) },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant("save" as const),
      s: session,
      variant: fc.constantFrom(0, 0, 0, 1, 2, 3, 4),
      fresh: fc.boolean(),
      as: caller,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("complete" as const),
      s: session,
      notify: fc.boolean(),
      fresh: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("replace" as const),
      s: fc.constantFrom(CRITERIA_SESSION, CRITERIA_SESSION, 0),
      fresh: fc.boolean(),
      as: caller,
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("archive" as const), s: session }) },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant("finish" as const), s: session, notify: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("notify" as const),
      s: session,
      key: fc.option(fc.nat({ max: 2 }), { nil: null }),
      as: caller,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("create" as const),
      pick: fc.option(fc.nat({ max: SESSIONS + SPARE_INTERACTIONS - 1 }), { nil: null }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("raise" as const), s: session }) },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant("resolve" as const),
      s: session,
      n: fc.constantFrom(1, 1, 1, 2, 3),
      accept: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("withdraw" as const),
      s: session,
      n: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("sweep" as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant("run" as const), dry: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("timer" as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("deliver" as const),
      order: fc.oneof(fc.constant(0), fc.nat({ max: 1000 })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant("redeliver" as const), pick: fc.nat({ max: 20 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("drop" as const), pick: fc.nat({ max: 20 }) }),
  },
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({ ops: fc.tuple(opArb).map((t) => [...t]), retries: fc.nat({ max: 2 }) }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      ops: fc.tuple(opArb, opArb).map((t) => [...t]),
      retries: fc.nat({ max: 2 }),
    }),
  },
  // Rare: once past the due date nothing more can be completed.
  {
    weight: 1,
    arbitrary: fc.constant<Step>({ ops: [{ k: "advance" }], retries: 0 }),
  },
);

const flavour = fc.constantFrom<TransientFlavour>(
  "dependency",
  "status503",
  "status429",
  "network",
);

/** Mostly calls that work; each fault kind a few percent of calls. */
export const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 45, arbitrary: fc.constant<Fault>({ kind: "none" }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("failBefore" as const), flavour }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("failAfter" as const), flavour }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("delay" as const),
      turns: fc.integer({ min: 1, max: 4 }),
    }),
  },
  // Only a publish can be duplicated; elsewhere this slot is a plain call.
  { weight: 6, arbitrary: fc.constant<Fault>({ kind: "duplicate" }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("crash" as const), after: fc.boolean() }) },
);

export function historyArb(maxSteps = 14): fc.Arbitrary<History> {
  return fc.record({
    steps: fc.array(stepArb, { minLength: 3, maxLength: maxSteps }),
    // size "max": the plan must reach past the first few calls of a history.
    faults: fc.array(faultArb, { minLength: 10, maxLength: 80, size: "max" }),
  });
}

// ---------- the environment ----------

/** The stores a history runs on, before faults are put around them. */
export type Backing = Omit<FaultyPorts, "publisher">;

/**
 * The completion topic as the model sees it: at least once, no duplicate detection, no order
 * (a batch may be delivered in any order), and messages dead-lettered and replayed later.
 */
export class ModelTopic {
  private cursor = 0;
  private readonly queue: { event: CloudEvent; sub: ServiceBusFunctionDefinition }[] = [];
  private readonly delivered: { event: CloudEvent; sub: ServiceBusFunctionDefinition }[] = [];
  private readonly dropped: { event: CloudEvent; sub: ServiceBusFunctionDefinition }[] = [];
  deliveries = 0;
  reordered = 0;
  drops = 0;
  failures = 0;
  duplicates = 0;

  constructor(
    private readonly published: readonly CloudEvent[],
    private readonly injector: FaultInjector,
  ) {}

  private pull(): void {
    const subscriptions = registeredFunctions().filter(
      (f): f is ServiceBusFunctionDefinition => f.kind === "serviceBus",
    );
    for (const event of this.published.slice(this.cursor)) {
      for (const sub of subscriptions) {
        if (takesSubject(sub.subjectFilters, event.type)) this.queue.push({ event, sub });
      }
    }
    this.cursor = this.published.length;
  }

  get pending(): number {
    this.pull();
    return this.queue.length;
  }

  /** Tries every queued message once (shuffled by `order` unless 0); one that fails stays. */
  async deliver(order = 0): Promise<{ failed: number }> {
    this.pull();
    const batch = shuffled(this.queue.splice(0), order);
    if (order !== 0 && batch.length > 1) this.reordered++;
    let failed = 0;
    for (const message of batch) {
      this.deliveries++;
      try {
        await this.injector.run(() =>
          message.sub.handler(structuredClone(message.event), quietContext(message.sub.name)),
        );
        this.delivered.push(message);
      } catch {
        failed++;
        this.failures++;
        this.queue.push(message);
      }
    }
    return { failed };
  }

  /** A queued message goes to the dead-letter queue (its deliveries ran out). */
  drop(pick: number): void {
    this.pull();
    const [message] = this.queue.splice(pick % Math.max(1, this.queue.length), 1);
    if (!message) return;
    this.drops++;
    this.dropped.push(message);
  }

  /** An operator replays the dead-letter queue. */
  replayDropped(): void {
    this.queue.push(...this.dropped.splice(0));
  }

  /** The broker hands an already settled message out again (lock lost, window expired). */
  redeliver(pick: number): void {
    const message = this.delivered[pick % Math.max(1, this.delivered.length)];
    if (!message) return;
    this.duplicates++;
    this.queue.push(message);
  }
}

/** A permutation drawn from `seed` (a linear congruential generator: the same seed, the same order). */
function shuffled<T>(items: T[], seed: number): T[] {
  if (seed === 0) return items;
  let state = seed;
  for (let i = items.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    const a = items[i];
    const b = items[j];
    if (a === undefined || b === undefined) continue;
    items[i] = b;
    items[j] = a;
  }
  return items;
}

function quietContext(functionName: string): InvocationContext {
  return new InvocationContext({ functionName, logHandler: () => undefined });
}

/**
 * The starting point every history shares, built once through the API (a form, interactions
 * and sessions), so each history only copies documents into fresh stores.
 */
export interface FaultTemplate {
  app: TestApp;
  injector: FaultInjector;
  tokens: Record<Caller, string>;
  verifyToken: Services["verifyToken"];
  formId: string;
  sessionIds: string[];
  initialRevisions: number[];
  /** The policy the runs of a history run: perAgent 2 over the template's interactions. */
  policy: Policy;
  now: string;
  docs: {
    forms: Form[];
    interactions: Interaction[];
    sessions: SessionDocument[];
    /** The sessions' history entries, moved out of them while the template was built. */
    history: { sessionId: string; entries: HistoryEntry[] }[];
  };
}

/** Any instant of the week (from Monday 2026-11-09) of the template's interactions. */
export const RUN_PERIOD = "2026-11-10T00:00:00.000Z";

export interface FaultEnv {
  template: FaultTemplate;
  app: TestApp;
  services: Services;
  /** The stores without faults, for the checks. */
  raw: Backing;
  injector: FaultInjector;
  topic: ModelTopic;
  tokens: Record<Caller, string>;
  formId: string;
  sessionIds: string[];
  initialRevisions: number[];
}

export async function createFaultTemplate(
  injector: FaultInjector,
  options: { settings?: Record<string, string> } = {},
): Promise<FaultTemplate> {
  const app = await createTestApp(options.settings ? { settings: options.settings } : {});
  const tokens = { alice: await app.token(alice), admin: await app.token(admin) };
  const form = await createForm(app);
  const interactions = [];
  for (let i = 0; i < SESSIONS + SPARE_INTERACTIONS; i++) {
    interactions.push(
      await ingest(app, { startedAt: `2026-11-${String(10 + i).padStart(2, "0")}T10:00:00Z` }),
    );
  }
  const sessionIds: string[] = [];
  const initialRevisions: number[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const interaction =
      s === CRITERIA_SESSION
        ? { mode: "criteria", criteria: { agentId: agent.userId } }
        : { mode: "manual", interactionId: interactions[interactions.length - 1 - s]?.id };
    const res = await app.call<{ id: string }>("sessionsCreate", {
      headers: { authorization: `Bearer ${tokens.admin}` },
      body: {
        name: `Fault history ${s}`,
        type: "Distributed",
        formIds: [form.id],
        evaluatorId: alice.userId,
        dueDate: "2026-12-01T00:00:00Z",
        interaction,
      },
    });
    if (res.status !== 201) throw new Error(`session: ${res.status} ${JSON.stringify(res.json)}`);
    sessionIds.push(res.json.id);
    initialRevisions.push(revisionOf(res.headers.etag));
  }
  const created = await app.call<{ id: string }>("policiesCreate", {
    headers: { authorization: `Bearer ${tokens.admin}` },
    body: {
      name: "Fault policy",
      type: "Distributed",
      formIds: [form.id],
      criteria: { agentIds: [agent.userId] },
      quota: { perAgent: 2, period: "week" },
      evaluatorIds: [alice.userId, "bob"],
      dueInDays: 5,
    },
  });
  const policy = (await app.stores.policies.get(tenant, created.json.id))?.doc;
  if (!policy) throw new Error(`policy: ${created.status} ${JSON.stringify(created.json)}`);
  const docs: FaultTemplate["docs"] = { forms: [], interactions: [], sessions: [], history: [] };
  const storedForm = await app.stores.forms.get(tenant, form.id);
  if (storedForm) docs.forms.push(storedForm.doc);
  for (const { id } of interactions) {
    const interaction = await app.stores.interactions.get(tenant, id);
    if (interaction) docs.interactions.push(interaction);
  }
  for (const id of sessionIds) {
    const stored = await app.stores.sessions.get(tenant, id);
    if (stored) docs.sessions.push(stored.doc);
    const entries = (await app.stores.history.list(tenant, id, { limit: 200 })).items;
    docs.history.push({ sessionId: id, entries });
  }
  // Verify each token once, really, then reuse the principal: re-verifying is slow, and its
  // timing (in the crypto thread pool) would make interleavings differ between runs.
  const verified = new Map<string, Promise<Principal>>();
  const verifyToken: Services["verifyToken"] = (header) => {
    const key = header ?? "";
    let principal = verified.get(key);
    if (!principal) {
      principal = app.services.verifyToken(header);
      verified.set(key, principal);
    }
    return principal;
  };
  return {
    app,
    injector,
    tokens,
    verifyToken,
    formId: form.id,
    sessionIds,
    initialRevisions,
    policy,
    now: app.clock.now().toISOString(),
    docs,
  };
}

/**
 * A fresh service for one history: the template's documents copied into new stores (the
 * in-memory ones unless given), faults wrapped around every port, installed as the services
 * the registered functions use.
 */
export async function forkEnv(template: FaultTemplate, stores?: Backing): Promise<FaultEnv> {
  const raw: Backing = stores ?? createInMemoryStores();
  for (const form of template.docs.forms) await raw.forms.create(form);
  for (const interaction of template.docs.interactions)
    await raw.interactions.createIfAbsent(interaction);
  for (const session of template.docs.sessions) await raw.sessions.create(session);
  for (const { sessionId, entries } of template.docs.history) {
    await raw.history.add(tenant, sessionId, entries);
  }
  await raw.policies.create(template.policy);
  const { app, injector } = template;
  app.clock.set(template.now);
  const publisher = new RecordingPublisher();
  const services: Services = {
    ...app.services,
    ...faultyPorts({ ...raw, publisher }, injector),
    verifyToken: template.verifyToken,
  };
  setServices(services);
  injector.enabled = false;
  return {
    template,
    app,
    services,
    raw,
    injector,
    topic: new ModelTopic(publisher.published, injector),
    tokens: template.tokens,
    formId: template.formId,
    sessionIds: template.sessionIds,
    initialRevisions: template.initialRevisions,
  };
}

function revisionOf(etag: string | undefined): number {
  const match = /^"(\d+)"$/.exec(etag ?? "");
  if (!match?.[1]) throw new Error(`not a revision ETag: ${String(etag)}`);
  return Number(match[1]);
}

// ---------- running a history ----------

/** One HTTP request of a history and what came of it. */
export interface Attempt {
  opId: number;
  op: Op;
  fn: string;
  session: number;
  /** `abandoned`: the process crashed while it was in flight; the client saw no answer. */
  outcome: "answered" | "abandoned";
  status: number;
  code: string | undefined;
  retryAfter: string | undefined;
  json: unknown;
  etag: string | undefined;
  /** Faults were injected while it ran (its own, or a concurrent request's). */
  faulted: boolean;
  summary?: string;
  idempotencyKey?: string;
}

export interface HistoryRecord {
  attempts: Attempt[];
  /** Why a background step (sweep, delivery) failed, for the report. */
  backgroundFailures: number;
  /** Policy runs the timer took over after they were cut short, for the report. */
  continuedRuns: number;
}

const answerVariants = (formId: string, opId: number): Record<string, unknown>[] => [
  {
    [formId]: {
      greet: { answerIds: ["yes"] },
      verify: { answerIds: ["full"] },
      resolved: { answerIds: ["yes"] },
    },
  },
  { [formId]: { greet: { answerIds: ["no"] } } },
  { [formId]: { verify: { answerIds: ["none"] } } },
  // Clearing a required question: refused (422) once the session is Completed.
  { [formId]: { resolved: null } },
  { [formId]: { notes: { text: `note ${opId}` } } },
];

/** The `session` of an attempt that is about no session of the template (a creation). */
export const NO_SESSION = -1;

class Runner {
  private readonly etags: string[];
  private keyEpoch = 0;
  private opCounter = 0;
  readonly record: HistoryRecord = { attempts: [], backgroundFailures: 0, continuedRuns: 0 };

  constructor(private readonly env: FaultEnv) {
    this.etags = env.initialRevisions.map((r) => `"${r}"`);
  }

  private async request(
    op: Op,
    opId: number,
    fn: string,
    s: number,
    as: Caller,
    init: {
      body?: unknown;
      ifMatch?: boolean;
      headers?: Record<string, string>;
      /** The route's id when it is not the session's (a dispute's). */
      id?: string;
      params?: Record<string, string>;
    },
    extra: Pick<Attempt, "summary" | "idempotencyKey"> = {},
  ): Promise<Attempt> {
    const { injector, app, tokens, sessionIds } = this.env;
    const faultsBefore = injector.injected;
    const epoch = injector.crashEpoch;
    const headers: Record<string, string> = {
      authorization: `Bearer ${tokens[as]}`,
      ...init.headers,
    };
    if (init.ifMatch) headers["if-match"] = this.etags[s] ?? '"0"';
    let result: CallResult | undefined;
    let thrown: Error | undefined;
    try {
      result = await injector.run(() =>
        app.call(fn, {
          params: init.params ?? (s < 0 ? {} : { id: init.id ?? sessionIds[s] ?? "" }),
          headers,
          ...(init.body !== undefined ? { body: init.body } : {}),
        }),
      );
    } catch (error) {
      thrown = error instanceof Error ? error : new Error(String(error));
    }
    const abandoned = injector.crashEpoch !== epoch;
    if (thrown !== undefined && !abandoned) throw thrown;
    const json: unknown = result?.json;
    const attempt: Attempt = {
      opId,
      op,
      fn,
      session: s,
      outcome: abandoned ? "abandoned" : "answered",
      status: result?.status ?? 0,
      code: codeOf(json),
      retryAfter: result?.headers["retry-after"],
      json,
      etag: result?.headers.etag,
      faulted: injector.injected !== faultsBefore,
      ...extra,
    };
    this.record.attempts.push(attempt);
    if (!abandoned && attempt.status < 300 && attempt.etag) this.etags[s] = attempt.etag;
    return attempt;
  }

  /** A client call with its retries after 503 or a dropped connection. */
  private async withRetries(retries: number, send: () => Promise<Attempt>): Promise<void> {
    for (let i = 0; i <= retries; i++) {
      const attempt = await send();
      if (attempt.outcome === "answered" && attempt.status !== 503) return;
    }
  }

  async step(step: Step): Promise<void> {
    await Promise.all(step.ops.map((op) => this.op(op, step.retries)));
  }

  private async op(op: Op, retries: number): Promise<void> {
    const opId = ++this.opCounter;
    const { env } = this;
    switch (op.k) {
      case "read":
        return this.withRetries(retries, () =>
          this.request(op, opId, "sessionsGet", op.s, "alice", {}),
        );
      case "save": {
        const body = { answers: answerVariants(env.formId, opId)[op.variant] };
        if (op.fresh) await this.request(op, opId, "sessionsGet", op.s, op.as, {});
        return this.withRetries(retries, () =>
          this.request(op, opId, "sessionsAnswers", op.s, op.as, { body, ifMatch: true }),
        );
      }
      case "complete": {
        const summary = `done:${opId}`;
        const body = op.notify
          ? { notifyAgent: { dueDate: "2026-12-05T00:00:00Z", summary, showScore: true } }
          : {};
        if (op.fresh) await this.request(op, opId, "sessionsGet", op.s, "alice", {});
        return this.withRetries(retries, () =>
          this.request(
            op,
            opId,
            "sessionsComplete",
            op.s,
            "alice",
            { body, ifMatch: true },
            op.notify ? { summary } : {},
          ),
        );
      }
      case "replace":
        if (op.fresh) await this.request(op, opId, "sessionsGet", op.s, op.as, {});
        return this.withRetries(retries, () =>
          this.request(op, opId, "sessionsReplaceInteraction", op.s, op.as, {
            body: {},
            ifMatch: true,
          }),
        );
      case "finish":
        await this.op({ k: "save", s: op.s, variant: 0, fresh: true, as: "alice" }, retries);
        return this.op({ k: "complete", s: op.s, notify: op.notify, fresh: true }, retries);
      case "archive":
        return this.withRetries(retries, () =>
          this.request(op, opId, "sessionsArchive", op.s, "admin", {
            body: { ids: [env.sessionIds[op.s]] },
          }),
        );
      case "raise": {
        // The usual way there: the session finished first (it must be Completed).
        await this.op({ k: "finish", s: op.s, notify: false }, retries);
        const body = {
          comment: `dispute ${opId}`,
          items: [{ formId: env.formId, questionId: "greet", proposed: { answerIds: ["no"] } }],
        };
        await this.request(op, opId, "sessionsGet", op.s, "admin", {});
        return this.withRetries(retries, () =>
          this.request(op, opId, "sessionsDisputes", op.s, "admin", { body, ifMatch: true }),
        );
      }
      case "resolve":
      case "withdraw": {
        // The open dispute the session shows, else one that may be closed or not exist.
        const read = await this.request(op, opId, "sessionsGet", op.s, "alice", {});
        const open = openDisputeOf(read.json);
        const id = open ?? `${env.sessionIds[op.s] ?? ""}_d${op.n}`;
        const resolving = op.k === "resolve";
        const decision = {
          formId: env.formId,
          questionId: "greet",
          outcome: resolving && op.accept ? "accepted" : "rejected",
          reasonCode: "GRADER_ERROR",
        };
        return this.withRetries(retries, () =>
          this.request(
            op,
            opId,
            resolving ? "disputesResolve" : "disputesWithdraw",
            op.s,
            resolving ? "alice" : "admin",
            { id, ifMatch: true, ...(resolving ? { body: { decisions: [decision] } } : {}) },
          ),
        );
      }
      case "create": {
        const chosen = op.pick === null ? undefined : env.template.docs.interactions[op.pick];
        const interaction = chosen
          ? { mode: "manual", interactionId: chosen.id }
          : { mode: "criteria", criteria: { agentId: agent.userId } };
        return this.withRetries(retries, () =>
          this.request(op, opId, "sessionsCreate", NO_SESSION, "admin", {
            body: {
              name: `Created by op ${opId}`,
              type: "Distributed",
              formIds: [env.formId],
              evaluatorId: alice.userId,
              dueDate: "2026-12-01T00:00:00Z",
              interaction,
            },
          }),
        );
      }
      case "notify": {
        const key = op.key === null ? undefined : `k${op.key}-e${this.keyEpoch}`;
        let attemptNo = 0;
        return this.withRetries(retries, () => {
          // Without a key every attempt is a new request (and may create its own item).
          const summary = key ? `key:${op.as}:${op.s}:${key}` : `once:${opId}:${++attemptNo}`;
          return this.request(
            op,
            opId,
            "sessionsNotifyAgent",
            op.s,
            op.as,
            {
              body: { dueDate: "2026-12-05T00:00:00Z", summary, showScore: false },
              ...(key ? { headers: { "idempotency-key": key } } : {}),
            },
            key ? { summary, idempotencyKey: key } : { summary },
          );
        });
      }
      case "sweep":
        if (!(await runSweep(env))) this.record.backgroundFailures++;
        return;
      case "run":
        return this.withRetries(retries, () =>
          this.request(op, opId, "policiesRun", NO_SESSION, "admin", {
            params: { id: env.template.policy.id },
            body: { periodStart: RUN_PERIOD, dryRun: op.dry },
          }),
        );
      case "timer":
        env.app.clock.advance(STALE_RUN_MS);
        if (!(await runTimer(env, "policiesTimer"))) this.record.backgroundFailures++;
        return;
      case "deliver":
        this.record.backgroundFailures += (await env.topic.deliver(op.order)).failed;
        return;
      case "drop":
        env.topic.drop(op.pick);
        return;
      case "redeliver":
        env.topic.redeliver(op.pick);
        return;
      case "advance":
        // Past the due date (sessions turn Expired) and into a new idempotency window.
        env.app.clock.advance(3 * 24 * 60 * 60 * 1000);
        this.keyEpoch++;
        return;
    }
  }
}

function openDisputeOf(json: unknown): string | undefined {
  const parsed = z
    .object({ dispute: z.object({ openDisputeId: z.string().nullable() }) })
    .safeParse(json);
  return parsed.success ? (parsed.data.dispute.openDisputeId ?? undefined) : undefined;
}

function codeOf(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || !("code" in json)) return undefined;
  return typeof json.code === "string" ? json.code : undefined;
}

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};

/** A timer function, as the platform fires it; false when it failed (it will run again). */
async function runTimer(env: FaultEnv, name: string): Promise<boolean> {
  const fn = registeredFunctions().find(
    (f): f is TimerFunctionDefinition => f.kind === "timer" && f.name === name,
  );
  if (!fn) throw new Error(`${name} is not registered`);
  try {
    await env.injector.run(() => fn.handler(timer, quietContext(fn.name)));
    return true;
  } catch {
    return false;
  }
}

const runSweep = (env: FaultEnv) => runTimer(env, "outboxSweep");

/** Runs the history with faults on, then settles it with faults off (sweeps and deliveries). */
export async function runHistory(env: FaultEnv, history: History): Promise<HistoryRecord> {
  const runner = new Runner(env);
  env.injector.reset(history.faults);
  env.injector.enabled = true;
  try {
    for (const step of history.steps) await runner.step(step);
  } finally {
    env.injector.enabled = false;
  }
  // Settle: the timers and the broker keep going after the faults are gone, and the
  // dead-lettered messages are replayed. A run a crash cut short is continued once it has
  // written nothing for STALE_RUN_MS.
  env.topic.replayDropped();
  env.app.clock.advance(STALE_RUN_MS);
  if (!(await runTimer(env, "policiesTimer"))) runner.record.backgroundFailures += 1_000;
  for (let round = 0; round < 5; round++) {
    const swept = await runSweep(env);
    const { failed } = await env.topic.deliver();
    if (!swept || failed > 0) runner.record.backgroundFailures += 1_000; // must not happen now
    const pending = await env.raw.sessions.withPendingEvents(10);
    if (pending.sessions.length === 0 && env.topic.pending === 0) break;
  }
  const runs = await env.raw.operations.list(tenant, {}, { limit: 200 });
  runner.record.continuedRuns = runs.items.filter((op) => op.attempts > 1).length;
  return runner.record;
}

export { tenant };
