// Which interaction a session may take (docs/api.md "Interactions": Eligible): not evaluated,
// and not held by another session (Calibration sessions of one calibration share theirs).
// Holding is a write on the interaction that can fail (see shared/app/holds.ts); this file
// decides, from the interaction and what its holder says, what that write may be.
import { EVALUATED_TAG, type Criteria, type Hold, type Interaction } from "./model.js";

export type InteractionConflict = "INTERACTION_ALREADY_EVALUATED" | "INTERACTION_IN_USE";
/** Why a claim is refused: the interaction's conflicts, or CONFLICT for a closed calibration. */
export type HoldRefusal = InteractionConflict | "CONFLICT";

/** The session that wants the interaction (a new one's id is chosen before it is stored). */
export interface Claimant {
  sessionId: string;
  calibrationId?: string | undefined;
}

/** What the store says of the session a hold names. */
export type HolderState =
  | { exists: false }
  | { exists: true; completed: boolean; archived: boolean; interactionId: string };

/**
 * A hold whose session is gone, archived without being completed, or moved to another
 * interaction is stale once it is this old; younger, it may be a creation or replacement still
 * in flight (the hold is written before the session).
 */
export const STALE_HOLD_MS = 60_000;

export type HoldVerdict =
  /** Nobody holds it: write the claimant's hold. */
  | { kind: "free" }
  /** Its calibration holds it already and is open to joiners: nothing to write. */
  | { kind: "held" }
  /**
   * The claimant's own session holds it (a replacement moving back): write it again, so that a
   * release racing it, which read the old hold, finds the interaction changed and stops.
   */
  | { kind: "renew" }
  /** A hold that is no longer live: overwrite it. */
  | { kind: "takeOver" }
  /** Who holds it decides: read that session and ask again. */
  | { kind: "askHolder"; sessionId: string }
  | { kind: "refused"; code: HoldRefusal };

export function holdVerdict(
  interaction: Pick<Interaction, "id" | "tags" | "hold">,
  claimant: Claimant,
  holder: HolderState | undefined,
  now: Date,
): HoldVerdict {
  const hold = interaction.hold;
  const evaluated = interaction.tags.includes(EVALUATED_TAG);
  if (hold?.calibrationId !== undefined && hold.calibrationId === claimant.calibrationId) {
    return joinVerdict(hold, evaluated, holder, now);
  }
  if (evaluated) return { kind: "refused", code: "INTERACTION_ALREADY_EVALUATED" };
  if (!hold) return { kind: "free" };
  if (hold.sessionId === claimant.sessionId) return { kind: "renew" };
  if (!holder) return { kind: "askHolder", sessionId: hold.sessionId };
  // Completed means evaluated, even before the tagging consumer ran, even if archived since.
  if (holder.exists && holder.completed && holder.interactionId === interaction.id) {
    return { kind: "refused", code: "INTERACTION_ALREADY_EVALUATED" };
  }
  return isLive(hold, interaction.id, holder, now)
    ? { kind: "refused", code: "INTERACTION_IN_USE" }
    : { kind: "takeOver" };
}

/**
 * A session joining the calibration that holds the interaction (docs/api.md "Sessions"): its
 * hold is the calibration's first session's, and joining stays open, even once the interaction
 * is tagged Evaluated, until that session is archived. Then the usual rule is back: an evaluated
 * interaction (tagged, or the first session completed) is INTERACTION_ALREADY_EVALUATED; one
 * that never was is refused as CONFLICT, the calibration being closed.
 */
function joinVerdict(
  hold: Hold,
  evaluated: boolean,
  holder: HolderState | undefined,
  now: Date,
): HoldVerdict {
  if (!holder) return { kind: "askHolder", sessionId: hold.sessionId };
  // A first session that was never stored (its creation failed after the hold) hands the hold
  // to the joiner once it is stale, so that the calibration again has a first session.
  if (!holder.exists) return isStale(hold, now) ? { kind: "takeOver" } : { kind: "held" };
  if (!holder.archived) return { kind: "held" };
  const code = evaluated || holder.completed ? "INTERACTION_ALREADY_EVALUATED" : "CONFLICT";
  return { kind: "refused", code };
}

/** A calibration's hold lasts: its sessions share it, whichever of them is archived. */
function isLive(hold: Hold, interactionId: string, holder: HolderState, now: Date): boolean {
  if (hold.calibrationId !== undefined) return true;
  if (holder.exists && !holder.archived && holder.interactionId === interactionId) return true;
  return !isStale(hold, now);
}

const isStale = (hold: Hold, now: Date): boolean =>
  now.getTime() - Date.parse(hold.at) >= STALE_HOLD_MS;

/**
 * Whether a session still needs its hold on an interaction: not when it moved to another one,
 * nor once archived without being completed (a completed session's interaction stays taken).
 */
export function needsHold(
  session: { state: string; archived: boolean; interaction: { id: string } } | undefined,
  interactionId: string,
): boolean {
  if (!session || session.interaction.id !== interactionId) return false;
  return !session.archived || session.state === "Completed";
}

/** Criteria bounds are inclusive: `from <= startedAt <= to`, `durationSeconds >= min`. */
export function matchesCriteria(
  interaction: Pick<Interaction, "agentId" | "startedAt" | "channel" | "durationSeconds">,
  criteria: Criteria,
): boolean {
  const started = Date.parse(interaction.startedAt);
  if (criteria.agentId !== undefined && interaction.agentId !== criteria.agentId) return false;
  if (criteria.channel !== undefined && interaction.channel !== criteria.channel) return false;
  if (criteria.from !== undefined && started < Date.parse(criteria.from)) return false;
  if (criteria.to !== undefined && started > Date.parse(criteria.to)) return false;
  if (
    criteria.minDurationSeconds !== undefined &&
    interaction.durationSeconds < criteria.minDurationSeconds
  ) {
    return false;
  }
  return true;
}
