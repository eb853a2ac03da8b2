// The interaction use cases: idempotent ingestion by externalId (with an upload link for its
// media to the request that created it, and to no other), reads, and the tagging consumer's
// Evaluated tag.
import type { Actor } from "../domain/access.js";
import { notFound } from "../domain/errors.js";
import type { CompletedEvent } from "../domain/events.js";
import { newInteraction, type InteractionInput } from "../domain/interactions.js";
import { EVALUATED_TAG, type Interaction } from "../domain/model.js";
import { inputOf, type Parsed } from "../domain/requests.js";
import { derivedId } from "../ids.js";
import type { BlobLink, InteractionFilter, Page, PageRequest } from "../ports.js";
import type { Services } from "../services.js";

/** The same externalId always maps to the same id, so ingestion is idempotent with one point read. */
export function interactionIdFor(externalId: string): string {
  return derivedId([externalId], 32);
}

export interface Ingested {
  interaction: Interaction;
  created: boolean;
  mediaUpload: BlobLink | undefined;
}

export async function ingestInteraction(
  services: Services,
  actor: Actor,
  input: Parsed<InteractionInput>,
): Promise<Ingested> {
  const value = inputOf(input);
  const candidate = newInteraction(
    actor,
    value,
    interactionIdFor(value.externalId),
    services.clock.now(),
  );
  // Signed before the write, so a signing failure leaves nothing half-ingested (the retry
  // creates the interaction and gets the link). The link goes only to the request that
  // created the interaction: media is written once, and an existing interaction's recording
  // (perhaps evaluated already) must never be offered for upload again.
  const link = value.media
    ? await services.blobs.mediaUploadUrl(actor.tenantId, candidate.id, value.media.contentType)
    : undefined;
  const { interaction, created } = await services.interactions.createIfAbsent(candidate);
  return { interaction, created, mediaUpload: created ? link : undefined };
}

export async function getInteraction(
  services: Services,
  actor: Actor,
  id: string,
): Promise<Interaction> {
  const interaction = await services.interactions.get(actor.tenantId, id);
  if (!interaction) throw notFound("The interaction");
  return interaction;
}

export function listInteractions(
  services: Services,
  actor: Actor,
  filter: InteractionFilter,
  page: PageRequest,
): Promise<Page<Interaction>> {
  return services.interactions.list(actor.tenantId, filter, page);
}

/**
 * The tagging consumer: the completed session's interaction is never picked again. Idempotent.
 * Which interaction comes from the stored session, not the message; returns what it tagged.
 */
export async function tagEvaluated(
  services: Services,
  event: CompletedEvent,
): Promise<string | undefined> {
  const stored = await services.sessions.get(event.data.tenantId, event.data.sessionId);
  if (stored?.doc.state !== "Completed") return undefined;
  const { tenantId, interaction } = stored.doc;
  await services.interactions.addTag(tenantId, interaction.id, EVALUATED_TAG);
  return interaction.id;
}
