import { AppError } from "../../domain/errors.js";
import { EVALUATED_TAG, type Hold, type Interaction } from "../../domain/model.js";
import type {
  InteractionFilter,
  InteractionStore,
  Page,
  PageRequest,
  PoolFilter,
  Stored,
} from "../../ports.js";
import { interactionListIdentity } from "../continuation.js";
import { MemoryCollection } from "./collection.js";

/** The same predicate as the Cosmos query's WHERE clause (string comparison of ISO dates). */
export function matchesInteraction(i: Interaction, filter: InteractionFilter): boolean {
  return (
    (filter.agentId === undefined || i.agentId === filter.agentId) &&
    (filter.from === undefined || i.startedAt >= filter.from) &&
    (filter.to === undefined || i.startedAt <= filter.to) &&
    (filter.evaluated === undefined || i.tags.includes(EVALUATED_TAG) === filter.evaluated) &&
    (filter.channel === undefined || i.channel === filter.channel) &&
    (filter.minDurationSeconds === undefined || i.durationSeconds >= filter.minDurationSeconds)
  );
}

const byStartThenId = (a: Interaction, b: Interaction): number =>
  a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : 1;

export class InMemoryInteractionStore implements InteractionStore {
  private readonly interactions = new MemoryCollection<Interaction>("interactions");

  async get(tenantId: string, id: string): Promise<Interaction | undefined> {
    return Promise.resolve(this.interactions.get(tenantId, id)?.doc);
  }

  async createIfAbsent(
    interaction: Interaction,
  ): Promise<{ interaction: Interaction; created: boolean }> {
    const { stored, created } = this.interactions.createOrGet(interaction);
    return Promise.resolve({ interaction: stored.doc, created });
  }

  // async: a refused continuation token must reject the promise, not throw synchronously.
  async list(
    tenantId: string,
    filter: InteractionFilter,
    page: PageRequest,
  ): Promise<Page<Interaction>> {
    return Promise.resolve(this.ordered(tenantId, filter, page, "newestFirst"));
  }

  async getStored(tenantId: string, id: string): Promise<Stored<Interaction> | undefined> {
    return Promise.resolve(this.interactions.get(tenantId, id));
  }

  async listFree(
    tenantId: string,
    filter: InteractionFilter,
    limit: number,
  ): Promise<Stored<Interaction>[]> {
    const free = this.interactions
      .all(tenantId)
      .filter(
        ({ doc }) =>
          doc.hold === null && !doc.tags.includes(EVALUATED_TAG) && matchesInteraction(doc, filter),
      )
      .sort((a, b) => byStartThenId(a.doc, b.doc));
    return Promise.resolve(free.slice(0, limit));
  }

  async listPool(tenantId: string, filter: PoolFilter): Promise<Stored<Interaction>[]> {
    const { agentIds, heldBy, ...rest } = filter;
    return Promise.resolve(
      this.interactions
        .all(tenantId)
        .filter(
          ({ doc }) =>
            !doc.tags.includes(EVALUATED_TAG) &&
            (doc.hold === null || doc.hold.sessionId.startsWith(heldBy)) &&
            (agentIds === undefined || agentIds.includes(doc.agentId)) &&
            matchesInteraction(doc, rest),
        ),
    );
  }

  async setHold(
    tenantId: string,
    id: string,
    hold: Hold | null,
    etag: string,
  ): Promise<Stored<Interaction>> {
    const current = this.interactions.get(tenantId, id);
    if (!current) throw new AppError("NOT_FOUND", `Interaction ${id} was not found.`);
    return Promise.resolve(this.interactions.replace({ ...current.doc, hold }, etag));
  }

  private ordered(
    tenantId: string,
    filter: InteractionFilter,
    page: PageRequest,
    order: "newestFirst",
  ): Page<Interaction> {
    return this.interactions.page(
      interactionListIdentity(tenantId, filter, order),
      (i) => matchesInteraction(i, filter),
      [
        { value: (i) => i.startedAt, descending: true },
        { value: (i) => i.id, descending: true },
      ],
      page,
      (i) => i,
    );
  }

  async addTag(tenantId: string, id: string, tag: string): Promise<void> {
    const current = this.interactions.get(tenantId, id);
    if (!current)
      return Promise.reject(new AppError("NOT_FOUND", `Interaction ${id} was not found.`));
    if (!current.doc.tags.includes(tag)) {
      this.interactions.replace({ ...current.doc, tags: [...current.doc.tags, tag] }, current.etag);
    }
    return Promise.resolve();
  }
}
