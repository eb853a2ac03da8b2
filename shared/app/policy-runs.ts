// Running a policy (docs/policies.md): read the state of its period once (the sessions it
// created, its pool, the evaluators' open sessions), plan, then fill each planned slot: hold an
// interaction for the slot's session id, create that session. The operation records progress
// in batches; a run cut short is continued by the timer, and because a slot's id is derived
// from (policy, period, agent, slot), a continued or concurrent run never creates a session
// twice nor exceeds a quota.
import { DependencyUnavailableError, isTransientDependencyError } from "../dependency-errors.js";
import { AppError, isCode, lostRace } from "../domain/errors.js";
import { interactionRefOf } from "../domain/interactions.js";
import type { FormSnapshot } from "../domain/model.js";
import {
  finished,
  isStale,
  lastRunOf,
  STALE_RUN_MS,
  supersedes,
  type Operation,
} from "../domain/operations.js";
import {
  lastInstant,
  planRun,
  policySession,
  seedOf,
  timerPeriods,
  type LastRun,
  type PlannedSession,
  type Policy,
  type RunPlan,
  type RunState,
  type Shortfall,
} from "../domain/policies.js";
import { newRunOperation } from "../domain/operations.js";
import { periodOf, type Period } from "../domain/periods.js";
import { derivedId } from "../ids.js";
import type { Logger, Stored } from "../ports.js";
import type { Services } from "../services.js";
import { formsOf } from "./create-session.js";
import { claimCandidate, releaseHold } from "./holds.js";
import { inParallel } from "./parallel.js";
import { poolByAgent, ranked, slotId, slotPrefix, type PoolEntry } from "./policy-pool.js";
import { afterResponse } from "./sessions.js";

/**
 * The highest perAgent a policy may have: slots above the current perAgent (filled before it
 * was lowered) are looked for only when an agent has sessions its lower slots do not explain.
 */
const MAX_SLOTS = 50;
/** Sessions between two progress writes of the operation. */
const BATCH = 50;
/**
 * Agents whose slots are filled at once. Safe because agents share nothing a fill decides: each
 * agent's candidates are its own interactions, and the plan chose every evaluator already.
 */
const PARALLEL_AGENTS = 8;
/** Policies and stalled runs one timer invocation takes up (the next one takes the rest). */
const TIMER_LIMIT = 10_000;

/** What a run reads before it plans, and the slot ids it needs. */
export interface PeriodState extends RunState<PoolEntry> {
  period: Period;
  prefix: string;
  /** The ids of the sessions the policy already created in the period. */
  existing: ReadonlySet<string>;
}

/** The state of a policy's period: three queries (the sessions, the pool, the open sessions). */
export async function readPeriodState(
  services: Services,
  policy: Policy,
  period: Period,
): Promise<PeriodState> {
  const { tenantId } = policy;
  const prefix = slotPrefix(tenantId, policy.id, period);
  const sessions = await services.sessions.policySessions(tenantId, policy.id, period.key);
  const existing = new Set(sessions.map((s) => s.id));
  const filled = new Map<string, Set<number>>();
  const sessionsOf = new Map<string, number>();
  for (const { agentId } of sessions) sessionsOf.set(agentId, (sessionsOf.get(agentId) ?? 0) + 1);
  for (const [agentId, count] of sessionsOf) {
    const slots = new Set<number>();
    for (let k = 1; k <= MAX_SLOTS && slots.size < count; k++)
      if (existing.has(slotId(prefix, agentId, k))) slots.add(k);
    filled.set(agentId, slots);
  }
  const { agentIds, channel, minDurationSeconds } = policy.criteria;
  const byAgent = await poolByAgent(
    services,
    tenantId,
    {
      from: period.start,
      to: lastInstant(period),
      agentIds,
      channel,
      minDurationSeconds,
      heldBy: prefix,
    },
    (sessionId) => sessionId.startsWith(prefix) && !existing.has(sessionId),
  );
  const pools = new Map<string, PoolEntry[]>();
  for (const [agentId, pool] of byAgent) {
    pools.set(agentId, ranked(pool, seedOf(policy.id, period, agentId)));
  }
  const open =
    policy.type === "Distributed"
      ? await services.sessions.openByEvaluator(
          tenantId,
          policy.evaluatorIds ?? [],
          services.clock.now().toISOString(),
        )
      : new Map<string, number>();
  return { period, prefix, existing, filled, pools, open };
}

/** The dry run's answer: the plan's nominal picks. */
export function plannedPicks(plan: RunPlan<PoolEntry>) {
  return {
    planned: plan.sessions.map((s) => ({
      agentId: s.agentId,
      interactionId: s.pool[s.index]?.id ?? "",
      evaluatorId: s.evaluatorId,
    })),
    shortfall: plan.shortfall,
  };
}

/** Shows `lastRun` on the policy unless a newer run's is shown (best effort, logged). */
export async function recordLastRun(
  services: Services,
  tenantId: string,
  policyId: string,
  lastRun: LastRun,
  log: Logger,
): Promise<void> {
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await services.policies.get(tenantId, policyId);
      if (!stored || !supersedes(lastRun, stored.doc.lastRun)) return;
      try {
        await services.policies.setLastRun(tenantId, policyId, lastRun, stored.etag);
        return;
      } catch (error) {
        if (!lostRace(error)) throw error;
      }
    }
  } catch (error) {
    log.warn(`policy ${policyId}: recording its last run failed`, describe(error));
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Another worker took the operation over (its write moved the etag): this one stops. */
class TakenOver extends Error {}

/** The operation's writes, each conditioned on the etag of the previous one. */
class Progress {
  constructor(
    private readonly services: Services,
    public stored: Stored<Operation>,
  ) {}

  async save(change: Partial<Operation>): Promise<void> {
    const next = {
      ...this.stored.doc,
      ...change,
      updatedAt: this.services.clock.now().toISOString(),
    };
    try {
      this.stored = await this.services.operations.replace(next, this.stored.etag);
    } catch (error) {
      if (lostRace(error)) throw new TakenOver();
      throw error;
    }
  }
}

interface Filling {
  services: Services;
  policy: Policy;
  state: PeriodState;
  forms: FormSnapshot[];
  log: Logger;
  /** Per agent, the next candidate of its shuffled pool. */
  cursors: Map<string, number>;
}

/**
 * Fills one planned slot: holds the next candidates of the agent's shuffle in turn until one is
 * held for the slot's session id, then creates that session. A session that exists already
 * (a concurrent run filled the slot) gives the interaction back.
 */
type Outcome = "created" | "filled" | "exhausted";

async function fillSlot(f: Filling, planned: PlannedSession<PoolEntry>): Promise<Outcome> {
  const { services, policy, state } = f;
  const id = slotId(state.prefix, planned.agentId, planned.slot);
  for (let next = f.cursors.get(planned.agentId) ?? 0; next < planned.pool.length; next++) {
    f.cursors.set(planned.agentId, next + 1);
    const entry = planned.pool[next];
    if (!entry) break;
    const interaction = await claimCandidate(services, entry.stored, { sessionId: id });
    if (!interaction) continue;
    const session = policySession(
      policy,
      state.period,
      { id, evaluatorId: planned.evaluatorId },
      {
        forms: f.forms,
        interaction: interactionRefOf(interaction),
        selection: {
          period: state.period.key,
          poolSize: planned.pool.length,
          rank: entry.rank,
          seed: seedOf(policy.id, state.period, planned.agentId),
        },
      },
      services.clock.now(),
    );
    try {
      afterResponse(services, await services.sessions.create(session), f.log);
      return "created";
    } catch (error) {
      if (!isCode(error, "CONFLICT")) throw error;
      await releaseHold(services, policy.tenantId, interaction.id, id, f.log);
      return "filled";
    }
  }
  return "exhausted";
}

/**
 * Fills a batch: each agent's slots in order, up to PARALLEL_AGENTS agents at a time. The
 * outcomes are in the batch's order; the first failure rejects once the agents in flight end.
 */
async function fillBatch(
  f: Filling,
  batch: readonly PlannedSession<PoolEntry>[],
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const byAgent = new Map<string, number[]>();
  batch.forEach((planned, j) =>
    byAgent.set(planned.agentId, [...(byAgent.get(planned.agentId) ?? []), j]),
  );
  await inParallel([...byAgent.values()], PARALLEL_AGENTS, async (slots) => {
    for (const j of slots) {
      const planned = batch[j];
      if (planned) outcomes[j] = await fillSlot(f, planned);
    }
  });
  return outcomes;
}

/** The plan's shortfall, and an agent whose candidates were all taken by racers meanwhile. */
function withExhausted(
  plan: RunPlan<PoolEntry>,
  state: PeriodState,
  perAgent: number,
  exhausted: Map<string, number>,
): Shortfall[] {
  const shortfall = [...plan.shortfall];
  for (const [agentId, missed] of exhausted) {
    const wanted = perAgent - (state.filled.get(agentId)?.size ?? 0);
    const planned = plan.sessions.filter((s) => s.agentId === agentId).length;
    const entry = {
      agentId,
      wanted,
      available: planned - missed,
      reason: "NO_INTERACTIONS" as const,
    };
    const at = shortfall.findIndex((s) => s.agentId === agentId);
    if (at >= 0) shortfall[at] = entry;
    else shortfall.push(entry);
  }
  return shortfall;
}

/**
 * Runs (or continues) the operation to its end. Never rejects: a failure is recorded on the
 * operation; one that cannot be recorded leaves it Running for the timer to continue.
 */
export async function continueRun(
  services: Services,
  stored: Stored<Operation>,
  log: Logger,
  ready?: { policy: Policy; state: PeriodState },
): Promise<void> {
  const progress = new Progress(services, stored);
  const { tenantId, policyId } = stored.doc;
  let shortfall: Shortfall[] = [];
  const created = [...stored.doc.created];
  let period: Period | undefined;
  try {
    const policy = ready?.policy ?? (await services.policies.get(tenantId, policyId))?.doc;
    if (!policy) throw new AppError("NOT_FOUND", `Policy ${policyId} was not found.`);
    period = periodOf(new Date(stored.doc.periodStart), policy.quota.period);
    const state = ready?.state ?? (await readPeriodState(services, policy, period));
    const forms = await formsOf(services, tenantId, policy.formIds);
    const plan = planRun(policy, state);
    shortfall = plan.shortfall;
    // Sessions of the slots an earlier attempt was creating when it stopped are its own.
    for (const id of stored.doc.inFlight)
      if (state.existing.has(id) && !created.includes(id)) created.push(id);
    const total = created.length + plan.sessions.length;
    const filling: Filling = { services, policy, state, forms, log, cursors: new Map() };
    const exhausted = new Map<string, number>();
    for (let i = 0; i < plan.sessions.length; i += BATCH) {
      const batch = plan.sessions.slice(i, i + BATCH);
      await progress.save({
        created: [...created],
        inFlight: batch.map((s) => slotId(state.prefix, s.agentId, s.slot)),
        progress: { done: created.length + i, total },
      });
      const outcomes = await fillBatch(filling, batch);
      batch.forEach((planned, j) => {
        if (outcomes[j] === "created")
          created.push(slotId(state.prefix, planned.agentId, planned.slot));
        if (outcomes[j] === "exhausted")
          exhausted.set(planned.agentId, (exhausted.get(planned.agentId) ?? 0) + 1);
      });
    }
    shortfall = withExhausted(plan, state, policy.quota.perAgent, exhausted);
    const done = { created, progress: { done: total, total } };
    await progress.save(
      finished({ ...progress.stored.doc, ...done }, services.clock.now(), shortfall),
    );
  } catch (error) {
    if (error instanceof TakenOver) return;
    log.warn(`operation ${stored.doc.id}: the policy run failed`, describe(error));
    try {
      // The sessions of the slots it was filling that exist are its own: its result lists them.
      const { inFlight } = progress.stored.doc;
      if (inFlight.length > 0 && period) {
        const found = await services.sessions.policySessions(tenantId, policyId, period.key);
        const exist = new Set(found.map((s) => s.id));
        for (const id of inFlight) if (exist.has(id) && !created.includes(id)) created.push(id);
      }
      const doc = { ...progress.stored.doc, created };
      await progress.save(finished(doc, services.clock.now(), shortfall, failureOf(error)));
    } catch (again) {
      log.warn(
        `operation ${stored.doc.id}: stays Running; the timer continues it`,
        describe(again),
      );
      return;
    }
  }
  await recordLastRun(services, tenantId, policyId, lastRunOf(progress.stored.doc), log);
}

/** What a failed run tells its reader: a code and a detail, never a stack. */
function failureOf(error: unknown): { code: string; detail: string } {
  if (error instanceof AppError) return { code: error.code, detail: error.detail };
  if (error instanceof DependencyUnavailableError || isTransientDependencyError(error)) {
    return {
      code: "DEPENDENCY_UNAVAILABLE",
      detail: "A service the run depends on was unavailable; run it again.",
    };
  }
  return { code: "INTERNAL", detail: "An unexpected error stopped the run; run it again." };
}

/** What one timer invocation did. */
export interface TimerResult {
  continued: number;
  started: number;
  failed: number;
}

/**
 * The hourly timer: continues runs cut short, then runs every enabled policy for its current
 * period (and the previous one during the current one's first 24 hours). A period with nothing
 * to create gets no operation; the operation of a scheduled run is named after the hour, so a
 * timer that fires twice in an hour starts it once.
 */
export async function runPolicyTimer(services: Services, log: Logger): Promise<TimerResult> {
  const now = services.clock.now();
  const result: TimerResult = { continued: 0, started: 0, failed: 0 };
  const cutoff = new Date(now.getTime() - STALE_RUN_MS).toISOString();
  for (const stale of await services.operations.stale(cutoff, TIMER_LIMIT)) {
    if (!isStale(stale.doc, now)) continue;
    try {
      // Taken over with a write on the etag read: of two timers, one continues it.
      const taken = await services.operations.replace(
        { ...stale.doc, attempts: stale.doc.attempts + 1, updatedAt: now.toISOString() },
        stale.etag,
      );
      await continueRun(services, taken, log);
      result.continued++;
    } catch (error) {
      if (lostRace(error)) continue;
      result.failed++;
      log.warn(`operation ${stale.doc.id}: continuing it failed`, describe(error));
    }
  }
  for (const policy of await services.policies.enabled(TIMER_LIMIT)) {
    for (const period of timerPeriods(now, policy.quota.period)) {
      try {
        if (await scheduledRun(services, policy, period, now, log)) result.started++;
      } catch (error) {
        result.failed++;
        log.warn(`policy ${policy.id}: the scheduled run of ${period.key} failed`, describe(error));
      }
    }
  }
  return result;
}

async function scheduledRun(
  services: Services,
  policy: Policy,
  period: Period,
  now: Date,
  log: Logger,
): Promise<boolean> {
  const state = await readPeriodState(services, policy, period);
  if (planRun(policy, state).sessions.length === 0) return false;
  const hour = now.toISOString().slice(0, 13);
  const id = derivedId(["timer", policy.tenantId, policy.id, period.key, hour], 32);
  const op = newRunOperation(id, policy.tenantId, policy.id, period.start, "timer", now);
  const { stored, created } = await services.operations.createIfAbsent(op);
  if (!created) return false;
  await recordLastRun(services, policy.tenantId, policy.id, lastRunOf(stored.doc), log);
  await continueRun(services, stored, log, { policy, state });
  return true;
}
