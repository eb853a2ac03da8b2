// Evaluation policies (docs/api.md "Policies", docs/policies.md): what a policy is, the periods
// a run covers (the UTC calendar itself: periods.ts), which interactions are in a run's pool, the
// seeded shuffle, the plan of a run (quota slots, evaluator balancing, shortfall) and the session
// a planned slot becomes.
// Hashing is the caller's (the domain imports no crypto): the shuffle takes each interaction's
// key, and slot ids are derived by the use case.
import { z } from "zod";
import type { Actor } from "./access.js";
import type { FieldError } from "./errors.js";
import { idSchema } from "./ids.js";
import {
  EVALUATED_TAG,
  channels,
  isoDateTime,
  type Criteria,
  type FormSnapshot,
  type Interaction,
  type InteractionRef,
  type Selection,
  type SessionDocument,
} from "./model.js";
import { DAY_MS, periodKinds, periodOf, type Period, type PeriodKind } from "./periods.js";
import { checkRevision, type SeenRevision } from "./requests.js";
import { createSession } from "./session.js";

const uniqueIds = (max: number) =>
  z
    .array(idSchema)
    .min(1)
    .max(max)
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat an id");

export const policyCriteriaSchema = z.object({
  agentIds: uniqueIds(1000).optional(),
  channel: z.enum(channels).optional(),
  minDurationSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .optional(),
});

/** The body of POST and PUT /policies: shape only; policyRules adds the cross-field rules. */
export const policyInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  type: z.enum(["Distributed", "Shared"]),
  formIds: uniqueIds(20),
  criteria: policyCriteriaSchema.default({}),
  quota: z.object({
    perAgent: z.number().int().min(1).max(50),
    period: z.enum(periodKinds),
  }),
  evaluatorIds: uniqueIds(500).optional(),
  dueInDays: z.number().int().min(1).max(90),
});
export type PolicyInput = z.output<typeof policyInputSchema>;

export const operationStatuses = ["Running", "Succeeded", "Failed"] as const;

/** What a policy shows of its newest run. */
export const lastRunSchema = z.object({
  operationId: z.string(),
  at: isoDateTime,
  status: z.enum(operationStatuses),
  created: z.number().int().min(0),
});
export type LastRun = z.output<typeof lastRunSchema>;

export const policySchema = policyInputSchema.extend({
  id: idSchema,
  tenantId: z.string(),
  /** The user-visible revision (the ETag); a run's bookkeeping (lastRun) never changes it. */
  revision: z.number().int().min(1),
  createdAt: isoDateTime,
  createdBy: z.string(),
  updatedAt: isoDateTime,
  updatedBy: z.string(),
  lastRun: lastRunSchema.optional(),
});
export type Policy = z.output<typeof policySchema>;

/** The rules of a policy body a zod shape cannot express (400 with their paths). */
export function policyRules(input: PolicyInput): FieldError[] {
  if (input.type === "Distributed" && input.evaluatorIds === undefined) {
    return [{ path: "evaluatorIds", message: "is required for Distributed policies (1–500)" }];
  }
  if (input.type === "Shared" && input.evaluatorIds !== undefined) {
    return [{ path: "evaluatorIds", message: "must be absent: Shared sessions start Unassigned" }];
  }
  return [];
}

export function newPolicy(actor: Actor, input: PolicyInput, id: string, now: Date): Policy {
  const at = now.toISOString();
  return {
    ...input,
    id,
    tenantId: actor.tenantId,
    revision: 1,
    createdAt: at,
    createdBy: actor.userId,
    updatedAt: at,
    updatedBy: actor.userId,
  };
}

/** The policy with a new body (428/412 unless `seen` is its revision); its lastRun stays. */
export function revisePolicy(
  doc: Policy,
  actor: Actor,
  input: PolicyInput,
  seen: SeenRevision,
  now: Date,
): Policy {
  checkRevision(seen, doc.revision);
  const { id, tenantId, createdAt, createdBy, lastRun } = doc;
  return {
    ...input,
    id,
    tenantId,
    createdAt,
    createdBy,
    ...(lastRun ? { lastRun } : {}),
    revision: doc.revision + 1,
    updatedAt: now.toISOString(),
    updatedBy: actor.userId,
  };
}

/** The body of POST /policies/{id}/run. */
export const runRequestSchema = z
  .object({ periodStart: isoDateTime.optional(), dryRun: z.boolean().default(false) })
  .default({ dryRun: false });
export type RunRequest = z.output<typeof runRequestSchema>;

// ---------- the periods a run covers (the calendar itself: periods.ts) ----------

/**
 * The periods the hourly timer runs: the current one, and during its first 24 hours also the
 * previous one (interactions ingested late).
 */
export function timerPeriods(now: Date, kind: PeriodKind): Period[] {
  const current = periodOf(now, kind);
  const started = Date.parse(current.start);
  return now.getTime() - started < DAY_MS
    ? [current, periodOf(new Date(started - 1), kind)]
    : [current];
}

/** The last instant of a period, for the inclusive `to` of criteria. */
export const lastInstant = (period: Period): string =>
  new Date(Date.parse(period.end) - 1).toISOString();

/** The criteria a policy session keeps: its agent, its period, the policy's filters. */
export function sessionCriteria(policy: Policy, period: Period, agentId: string): Criteria {
  const { channel, minDurationSeconds } = policy.criteria;
  return {
    agentId,
    from: period.start,
    to: lastInstant(period),
    ...(channel !== undefined ? { channel } : {}),
    ...(minDurationSeconds !== undefined ? { minDurationSeconds } : {}),
  };
}

// ---------- the pool and the shuffle ----------

/**
 * Whether an interaction the pool query found (in the period, matching the criteria) is in the
 * pool: not evaluated, and free or held by one of this run's slots that has no session (a run
 * interrupted between its hold and its session; the claim decides whether it may be retaken).
 */
export function inPool(
  interaction: Pick<Interaction, "tags" | "hold">,
  openSlot: (sessionId: string) => boolean,
): boolean {
  if (interaction.tags.includes(EVALUATED_TAG)) return false;
  return interaction.hold === null || openSlot(interaction.hold.sessionId);
}

/** What an agent's shuffle is seeded with: the same for every run of the policy in the period. */
export const seedOf = (policyId: string, period: Period, agentId: string): string =>
  `${policyId}/${period.key}/${agentId}`;

/**
 * The pool in seeded order: ascending by each interaction's key (a hash of the seed and its id),
 * ties by id. Every order is equally likely, the same pool always gives the same order, and an
 * interaction added to the pool leaves the order of the others as it was.
 */
export function shuffled<T extends { id: string }>(
  pool: readonly T[],
  keyOf: (id: string) => string,
) {
  return pool
    .map((item) => ({ item, key: keyOf(item.id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.item.id < b.item.id ? -1 : 1))
    .map(({ item }) => item);
}

// ---------- the plan of a run ----------

export const shortfallReasons = ["NO_INTERACTIONS", "NO_EVALUATOR_AVAILABLE"] as const;

export const shortfallSchema = z.object({
  agentId: z.string(),
  wanted: z.number().int().min(0),
  available: z.number().int().min(0),
  reason: z.enum(shortfallReasons),
});
export type Shortfall = z.output<typeof shortfallSchema>;

/** Most sessions one run creates: its result lists them all and must fit one document. */
export const MAX_RUN_SESSIONS = 20_000;

export interface RunState<T> {
  /** The slots (1-based) this policy filled in the period, per agent; archived sessions too. */
  filled: ReadonlyMap<string, ReadonlySet<number>>;
  /** Each agent's pool, in shuffle order. */
  pools: ReadonlyMap<string, readonly T[]>;
  /** Each listed evaluator's open sessions when the run started. */
  open: ReadonlyMap<string, number>;
}

/** One session a run means to create: in slot `slot`, nominally on `pool[index]`. */
export interface PlannedSession<T> {
  agentId: string;
  slot: number;
  evaluatorId: string | null;
  pool: readonly T[];
  index: number;
}

export interface RunPlan<T> {
  sessions: PlannedSession<T>[];
  shortfall: Shortfall[];
}

type PlanPolicy = Pick<Policy, "type" | "quota" | "criteria" | "evaluatorIds">;

/** The listed evaluator with the fewest open sessions other than the agent, ties by id. */
function fewestOpen(
  evaluators: readonly string[],
  agentId: string,
  open: Map<string, number>,
): string | undefined {
  let best: string | undefined;
  for (const id of evaluators) {
    if (id === agentId) continue;
    const count = open.get(id) ?? 0;
    const bestCount = best === undefined ? Infinity : (open.get(best) ?? 0);
    if (count < bestCount || (count === bestCount && best !== undefined && id < best)) best = id;
  }
  return best;
}

/**
 * What a run creates from `state`: per agent (by id), `wanted` = perAgent minus the slots it
 * filled, then min(wanted, available) sessions in its lowest free slots, each nominally on the
 * next interaction of its shuffled pool and, when Distributed, for the listed evaluator with
 * the fewest open sessions counting those this plan gives them. At most `limit` sessions.
 */
export function planRun<T>(
  policy: PlanPolicy,
  state: RunState<T>,
  limit = MAX_RUN_SESSIONS,
): RunPlan<T> {
  const { perAgent } = policy.quota;
  const agents = [...new Set([...state.pools.keys(), ...(policy.criteria.agentIds ?? [])])].sort();
  const open = new Map(state.open);
  const evaluators = policy.type === "Distributed" ? [...(policy.evaluatorIds ?? [])].sort() : [];
  const plan: RunPlan<T> = { sessions: [], shortfall: [] };
  for (const agentId of agents) {
    const filled = state.filled.get(agentId) ?? new Set<number>();
    const wanted = Math.max(0, perAgent - filled.size);
    if (wanted === 0) continue;
    const pool = state.pools.get(agentId) ?? [];
    const available = pool.length;
    const short = (reason: Shortfall["reason"]) =>
      plan.shortfall.push({ agentId, wanted, available, reason });
    if (available === 0) {
      short("NO_INTERACTIONS");
      continue;
    }
    if (policy.type === "Distributed" && evaluators.every((id) => id === agentId)) {
      short("NO_EVALUATOR_AVAILABLE");
      continue;
    }
    const count = Math.min(wanted, available);
    if (plan.sessions.length + count > limit) break;
    if (count < wanted) short("NO_INTERACTIONS");
    let slot = 0;
    for (let index = 0; index < count; index++) {
      do slot++;
      while (filled.has(slot));
      let evaluatorId: string | null = null;
      if (policy.type === "Distributed") {
        evaluatorId = fewestOpen(evaluators, agentId, open) ?? null;
        if (evaluatorId !== null) open.set(evaluatorId, (open.get(evaluatorId) ?? 0) + 1);
      }
      plan.sessions.push({ agentId, slot, evaluatorId, pool, index });
    }
  }
  return plan;
}

// ---------- the session of a slot ----------

/** Who a policy's sessions and their history name as their author. */
export const policyAuthor = (policyId: string): string => `policy:${policyId}`;

/** The session a planned slot becomes once its interaction is held (due `dueInDays` from now). */
export function policySession(
  policy: Policy,
  period: Period,
  slot: { id: string; evaluatorId: string | null },
  found: { forms: FormSnapshot[]; interaction: InteractionRef; selection: Selection },
  now: Date,
): SessionDocument {
  const author: Actor = {
    tenantId: policy.tenantId,
    userId: policyAuthor(policy.id),
    name: policy.name,
    roles: new Set(),
  };
  const { agentId } = found.interaction;
  const session = createSession(
    {
      name: `${policy.name} – ${agentId} – ${period.key}`,
      type: policy.type,
      formIds: policy.formIds,
      ...(slot.evaluatorId !== null ? { evaluatorId: slot.evaluatorId } : {}),
      dueDate: new Date(now.getTime() + policy.dueInDays * DAY_MS).toISOString(),
      interaction: { mode: "criteria", criteria: sessionCriteria(policy, period, agentId) },
    },
    { id: slot.id, tenantId: policy.tenantId, forms: found.forms, interaction: found.interaction },
    author,
    now,
  );
  return { ...session, source: "policy", policyId: policy.id, selection: found.selection };
}
