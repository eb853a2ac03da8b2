// Which interactions may get a new session (docs/api.md "Interactions": Eligible) and whether one
// matches a session's search criteria.
import { EVALUATED_TAG, type Criteria, type Interaction, type SessionDocument } from "./model.js";

/**
 * What eligibility needs of a session that holds an interaction. Structurally the same as
 * ports.ts `SessionHoldRecord`, declared here because the domain imports only itself.
 */
export type HoldRecord = Pick<
  SessionDocument,
  "id" | "type" | "state" | "archived" | "calibrationId" | "evaluatorId"
>;

export type InteractionConflict = "INTERACTION_ALREADY_EVALUATED" | "INTERACTION_IN_USE";

export interface EligibilityOptions {
  /** The session asking (replace interaction): it does not block itself. */
  excludeSessionId?: string | undefined;
  /** A Calibration session's id: sessions of the same calibration share their interaction. */
  calibrationId?: string | undefined;
}

/**
 * Why an interaction cannot be given to a new session, or null. A completed holder means the
 * interaction was evaluated even if the tagging consumer has not run yet (and even when that
 * session was archived since), so it wins over every other reason; a completed calibration
 * session does not share its interaction any more, which is what the tag would say anyway.
 */
export function interactionConflict(
  interaction: Pick<Interaction, "tags">,
  holders: readonly HoldRecord[],
  options: EligibilityOptions = {},
): InteractionConflict | null {
  if (interaction.tags.includes(EVALUATED_TAG)) return "INTERACTION_ALREADY_EVALUATED";
  const others = holders.filter((holder) => holder.id !== options.excludeSessionId);
  if (others.some((holder) => holder.state === "Completed")) {
    return "INTERACTION_ALREADY_EVALUATED";
  }
  const blocking = others.filter(
    (holder) =>
      !holder.archived &&
      !(
        options.calibrationId !== undefined &&
        holder.type === "Calibration" &&
        holder.calibrationId === options.calibrationId
      ),
  );
  return blocking.length > 0 ? "INTERACTION_IN_USE" : null;
}

export function isEligible(
  interaction: Pick<Interaction, "tags">,
  holders: readonly HoldRecord[],
  options: EligibilityOptions = {},
): boolean {
  return interactionConflict(interaction, holders, options) === null;
}

/** The 409 code for a manually chosen interaction that cannot be used, or null. */
export function manualInteractionConflict(
  interaction: Pick<Interaction, "tags">,
  holders: readonly HoldRecord[],
  calibrationId?: string,
): InteractionConflict | null {
  return interactionConflict(interaction, holders, { calibrationId });
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
