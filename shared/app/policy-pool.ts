// A policy's pool and the picks made from it (docs/policies.md), shared by runs and by Replace
// Interaction on a policy session: the slot ids whose creation is what enforces a quota, the
// pool in seeded order, and the claims.
import { AppError } from "../domain/errors.js";
import type { Interaction, Selection, SessionDocument } from "../domain/model.js";
import type { Period } from "../domain/periods.js";
import { inPool, shuffled } from "../domain/policies.js";
import { assertReplacement, notEligible, type ReplacementSearch } from "../domain/session.js";
import { derivedId } from "../ids.js";
import type { PoolFilter, Stored } from "../ports.js";
import type { Services } from "../services.js";
import { claimCandidate, claimInteraction } from "./holds.js";

/**
 * What every slot id of a policy in a period starts with (20 characters): the pool query finds
 * the run's own holds by it.
 */
export const slotPrefix = (tenantId: string, policyId: string, period: Period): string =>
  derivedId(["policy", tenantId, policyId, period.key], 20);

/**
 * Slot `k` (1 ≤ k ≤ perAgent) of an agent: the session id whose creation fills it, once. 40
 * characters, so a dispute id (`<sessionId>_d<n>`) stays within 64.
 */
export const slotId = (prefix: string, agentId: string, k: number): string =>
  `${prefix}${derivedId([prefix, agentId, String(k)], 20)}`;

/** An interaction of the pool and its 1-based rank in its agent's seeded shuffle. */
export interface PoolEntry {
  id: string;
  stored: Stored<Interaction>;
  rank: number;
}

/** The shuffle key of an interaction: the hash of the seed and its id (docs/policies.md). */
export const shuffleKey = (seed: string) => (id: string) => derivedId([seed, id], 16);

/** Entries in the seeded order of `seed`, ranked. */
export function ranked(pool: readonly Stored<Interaction>[], seed: string): PoolEntry[] {
  const entries = pool.map((stored) => ({ id: stored.doc.id, stored, rank: 0 }));
  return shuffled(entries, shuffleKey(seed)).map((entry, i) => ({ ...entry, rank: i + 1 }));
}

/** The pool (interactions the query found that `inPool` admits), grouped by agent. */
export async function poolByAgent(
  services: Services,
  tenantId: string,
  filter: PoolFilter,
  openSlot: (sessionId: string) => boolean,
): Promise<Map<string, Stored<Interaction>[]>> {
  const byAgent = new Map<string, Stored<Interaction>[]>();
  for (const stored of await services.interactions.listPool(tenantId, filter)) {
    if (!inPool(stored.doc, openSlot)) continue;
    const list = byAgent.get(stored.doc.agentId) ?? [];
    list.push(stored);
    byAgent.set(stored.doc.agentId, list);
  }
  return byAgent;
}

/**
 * Replace Interaction on a policy session: an eligible interaction of the same agent in the same
 * period that matches the criteria (the session keeps them), the chosen one or the first of the
 * seeded shuffle that can be held, with the selection that says why.
 */
export async function pickPolicyReplacement(
  services: Services,
  doc: SessionDocument,
  search: ReplacementSearch,
): Promise<{ interaction: Interaction; selection: Selection }> {
  const { criteria } = search;
  const seed = doc.selection?.seed ?? doc.id;
  const period = doc.selection?.period ?? "";
  const claimant = { sessionId: doc.id };
  const found = await poolByAgent(
    services,
    doc.tenantId,
    {
      from: criteria.from ?? "",
      to: criteria.to ?? "",
      agentIds: [doc.agentId],
      channel: criteria.channel,
      minDurationSeconds: criteria.minDurationSeconds,
      // Its own hold only (ids are all 40 characters long): one left by an attempt that failed.
      heldBy: doc.id,
    },
    (sessionId) => sessionId === doc.id,
  );
  const pool = (found.get(doc.agentId) ?? []).filter((s) => s.doc.id !== search.current);
  const selection = (entries: PoolEntry[], entry: PoolEntry): Selection => ({
    period,
    poolSize: entries.length,
    rank: entry.rank,
    seed,
  });
  if (search.chosen !== undefined) {
    const claim = await claimInteraction(services, doc.tenantId, search.chosen, claimant, (i) =>
      assertReplacement(search, i),
    );
    if (claim.kind !== "claimed") throw notEligible();
    const chosen = claim.interaction;
    const entries = ranked(
      [...pool.filter((s) => s.doc.id !== chosen.id), { doc: chosen, etag: "" }],
      seed,
    );
    const entry = entries.find((e) => e.id === chosen.id);
    if (!entry) throw notEligible();
    return { interaction: chosen, selection: selection(entries, entry) };
  }
  const entries = ranked(pool, seed);
  for (const entry of entries) {
    const interaction = await claimCandidate(services, entry.stored, claimant);
    if (interaction) return { interaction, selection: selection(entries, entry) };
  }
  throw new AppError(
    "NO_MATCHING_INTERACTION",
    "No other eligible interaction of this agent in this period matches the policy's criteria.",
  );
}
