// Criteria picks: the earliest interaction matching the criteria that is still eligible.
import { isEligible } from "../domain/eligibility.js";
import type { Criteria, Interaction } from "../domain/model.js";
import type { Services } from "../services.js";

const pageSize = 50;
/** Bounds the scan so a tenant with a long evaluated history cannot make one request unbounded. */
const maxPages = 20;

export async function pickEligibleInteraction(
  services: Services,
  tenantId: string,
  criteria: Criteria,
  options: { excludeSessionId?: string; calibrationId?: string; skipInteractionId?: string } = {},
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
