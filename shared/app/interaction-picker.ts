// Finding an interaction a session may take: a chosen one if it is eligible, or the earliest
// eligible interaction matching search criteria.
import { isEligible, type EligibilityOptions } from "../domain/eligibility.js";
import type { Criteria, Interaction } from "../domain/model.js";
import type { Services } from "../services.js";

const pageSize = 50;
/** Bounds the scan so a tenant with a long evaluated history cannot make one request unbounded. */
const maxPages = 20;

export interface PickOptions extends EligibilityOptions {
  /** An interaction never to pick (the session's current one). */
  skipInteractionId?: string | undefined;
}

/** The interaction with this id when it exists and is eligible, else undefined. */
export async function eligibleInteraction(
  services: Services,
  tenantId: string,
  interactionId: string,
  options: PickOptions = {},
): Promise<Interaction | undefined> {
  if (interactionId === options.skipInteractionId) return undefined;
  const interaction = await services.interactions.get(tenantId, interactionId);
  if (!interaction) return undefined;
  const holders = await services.sessions.holdersOf(tenantId, interaction.id);
  return isEligible(interaction, holders, options) ? interaction : undefined;
}

/** The earliest eligible interaction matching the criteria, if any. */
export async function pickEligibleInteraction(
  services: Services,
  tenantId: string,
  criteria: Criteria,
  options: PickOptions = {},
): Promise<Interaction | undefined> {
  let continuationToken: string | undefined;
  for (let pageNo = 0; pageNo < maxPages; pageNo++) {
    const page = await services.interactions.listOldestFirst(
      tenantId,
      { ...criteria, evaluated: false },
      { limit: pageSize, continuationToken },
    );
    for (const interaction of page.items) {
      if (interaction.id === options.skipInteractionId) continue;
      const holders = await services.sessions.holdersOf(tenantId, interaction.id);
      if (isEligible(interaction, holders, options)) return interaction;
    }
    if (!page.continuationToken) return undefined;
    continuationToken = page.continuationToken;
  }
  return undefined;
}
