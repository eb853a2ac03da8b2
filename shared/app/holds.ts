// Holding an interaction: a write on the interaction conditioned on the revision read, so that
// however many creations, replacements or policy picks race for one interaction, exactly one
// wins and the others learn it from the store, not from a read that was already stale.
import {
  holdVerdict,
  needsHold,
  type Claimant,
  type HolderState,
  type HoldRefusal,
} from "../domain/eligibility.js";
import { lostRace } from "../domain/errors.js";
import type { Criteria, Interaction } from "../domain/model.js";
import type { Logger, Stored } from "../ports.js";
import type { Services } from "../services.js";

export type Claim =
  | { kind: "claimed"; interaction: Interaction; written: boolean }
  | { kind: "refused"; code: HoldRefusal }
  | { kind: "missing" };

/** Re-reads after a lost race this often before calling the interaction in use. */
const CLAIM_ATTEMPTS = 3;
/** How many free candidates one query of a criteria pick brings back. */
const CANDIDATES = 10;
/** Queries of one criteria pick, each after its candidates were all taken by racers. */
const PICK_ROUNDS = 3;

async function holderState(
  services: Services,
  tenantId: string,
  sessionId: string,
): Promise<HolderState> {
  const holder = (await services.sessions.get(tenantId, sessionId))?.doc;
  return holder
    ? {
        exists: true,
        completed: holder.state === "Completed",
        archived: holder.archived,
        interactionId: holder.interaction.id,
      }
    : { exists: false };
}

/** Writes the claimant's hold on an interaction read at `stored.etag`; false when a racer won. */
async function writeHold(
  services: Services,
  stored: Stored<Interaction>,
  claimant: Claimant,
): Promise<Interaction | undefined> {
  const hold = {
    sessionId: claimant.sessionId,
    ...(claimant.calibrationId !== undefined ? { calibrationId: claimant.calibrationId } : {}),
    at: services.clock.now().toISOString(),
  };
  try {
    const { tenantId, id } = stored.doc;
    return (await services.interactions.setHold(tenantId, id, hold, stored.etag)).doc;
  } catch (error) {
    if (lostRace(error)) return undefined;
    throw error;
  }
}

/**
 * Claims the interaction `id` for `claimant`. `check` runs on the interaction before anything
 * is written (a replacement refuses one outside its criteria), so a refusal leaves no hold.
 */
export async function claimInteraction(
  services: Services,
  tenantId: string,
  id: string,
  claimant: Claimant,
  check: (interaction: Interaction) => void = () => undefined,
): Promise<Claim> {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const stored = await services.interactions.getStored(tenantId, id);
    if (!stored) return { kind: "missing" };
    check(stored.doc);
    const now = services.clock.now();
    let verdict = holdVerdict(stored.doc, claimant, undefined, now);
    if (verdict.kind === "askHolder") {
      const holder = await holderState(services, tenantId, verdict.sessionId);
      verdict = holdVerdict(stored.doc, claimant, holder, now);
    }
    switch (verdict.kind) {
      case "held":
        return { kind: "claimed", interaction: stored.doc, written: false };
      case "refused":
        return { kind: "refused", code: verdict.code };
      case "free":
      case "renew":
      case "takeOver": {
        const claimed = await writeHold(services, stored, claimant);
        if (claimed) return { kind: "claimed", interaction: claimed, written: true };
        break; // a racer wrote first: read again and judge what it wrote
      }
      case "askHolder":
        throw new Error("holdVerdict asked for the holder twice");
    }
  }
  return { kind: "refused", code: "INTERACTION_IN_USE" };
}

/**
 * Claims the earliest free interaction matching `criteria`: one query brings the oldest free
 * candidates, and each is claimed in turn until one write wins, so a pick costs a bounded
 * number of calls however many interactions are evaluated or held.
 */
export async function claimEarliest(
  services: Services,
  tenantId: string,
  criteria: Criteria,
  claimant: Claimant,
): Promise<Interaction | undefined> {
  for (let round = 0; round < PICK_ROUNDS; round++) {
    const candidates = await services.interactions.listFree(tenantId, criteria, CANDIDATES);
    for (const candidate of candidates) {
      const claimed = await writeHold(services, candidate, claimant);
      if (claimed) return claimed;
    }
    if (candidates.length < CANDIDATES) return undefined;
  }
  return undefined;
}

/**
 * Claims a candidate a query found: a free one with one write conditioned on the etag the query
 * read (undefined when a racer wrote first), a held one as claimInteraction judges its hold.
 */
export async function claimCandidate(
  services: Services,
  candidate: Stored<Interaction>,
  claimant: Claimant,
): Promise<Interaction | undefined> {
  if (candidate.doc.hold === null) return writeHold(services, candidate, claimant);
  const { tenantId, id } = candidate.doc;
  const claim = await claimInteraction(services, tenantId, id, claimant);
  return claim.kind === "claimed" ? claim.interaction : undefined;
}

/**
 * Gives an interaction back if `sessionId` still holds it. The hold is cleared only at the
 * revision read: a writer that changed the interaction since judged it with this hold, and the
 * release leaves it to that writer.
 *
 * By default for a session that no longer needs it (archived unevaluated, or moved to another
 * interaction). A calibration's hold stays (the calibration's later sessions need it). The hold
 * is read before the session, so a claim racing the release (the session moving back) makes the
 * release stop. Best effort: a failure is logged, and a hold left behind is stale and taken over
 * later.
 *
 * `calibration: true` is for a calibration's first session that lost the race to create the
 * calibration: it gives back the calibration hold it just wrote. That session was never stored,
 * so nothing is asked of it; and a calibration hold never goes stale, so any failure but the
 * lost race is the caller's.
 */
export async function releaseHold(
  services: Services,
  tenantId: string,
  interactionId: string,
  sessionId: string,
  log: Logger,
  options: { calibration?: boolean } = {},
): Promise<void> {
  try {
    const stored = await services.interactions.getStored(tenantId, interactionId);
    const hold = stored?.doc.hold;
    if (!stored || hold?.sessionId !== sessionId) return;
    if (!options.calibration) {
      if (hold.calibrationId !== undefined) return;
      const session = (await services.sessions.get(tenantId, sessionId))?.doc;
      if (needsHold(session, interactionId)) return;
    }
    await services.interactions.setHold(tenantId, interactionId, null, stored.etag);
  } catch (error) {
    if (lostRace(error)) return;
    if (options.calibration) throw error;
    log.warn(
      `interaction ${interactionId}: releasing session ${sessionId}'s hold failed; it goes stale`,
      error instanceof Error ? error.message : String(error),
    );
  }
}
