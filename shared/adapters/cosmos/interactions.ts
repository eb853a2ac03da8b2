import type { Container, SqlParameter, SqlQuerySpec } from "@azure/cosmos";
import { AppError, lostRace } from "../../domain/errors.js";
import { isValidId } from "../../domain/ids.js";
import {
  EVALUATED_TAG,
  interactionSchema,
  type Hold,
  type Interaction,
} from "../../domain/model.js";
import type * as ports from "../../ports.js";
import { interactionListIdentity } from "../continuation.js";
import { containerNames } from "./containers.js";
import { CosmosContainer, toStored, type CosmosStoreOptions } from "./requests.js";

/** addTag re-reads and retries this often when concurrent writers keep moving the etag. */
const TAG_ATTEMPTS = 5;

/** The grid's newest first, or the criteria pick's oldest free interactions first. */
type Order = "newestFirst" | "oldestFree";

export function interactionListQuery(
  tenantId: string,
  filter: ports.InteractionFilter,
  order: Order,
): SqlQuerySpec {
  const where = ["c.tenantId = @tenantId"];
  const parameters: SqlParameter[] = [{ name: "@tenantId", value: tenantId }];
  const add = (clause: string, name: string, value: SqlParameter["value"]) => {
    where.push(clause);
    parameters.push({ name, value });
  };
  if (filter.agentId !== undefined) add("c.agentId = @agentId", "@agentId", filter.agentId);
  if (filter.from !== undefined) add("c.startedAt >= @from", "@from", filter.from);
  if (filter.to !== undefined) add("c.startedAt <= @to", "@to", filter.to);
  if (filter.evaluated !== undefined) {
    add(
      filter.evaluated ? "ARRAY_CONTAINS(c.tags, @tag)" : "NOT ARRAY_CONTAINS(c.tags, @tag)",
      "@tag",
      EVALUATED_TAG,
    );
  }
  if (filter.channel !== undefined) add("c.channel = @channel", "@channel", filter.channel);
  if (filter.minDurationSeconds !== undefined)
    add("c.durationSeconds >= @minDuration", "@minDuration", filter.minDurationSeconds);
  if (order === "oldestFree") {
    // Interactions stored before holds existed have no `hold` at all: free too.
    where.push("(NOT IS_DEFINED(c.hold) OR IS_NULL(c.hold))");
    if (filter.evaluated === undefined)
      add("NOT ARRAY_CONTAINS(c.tags, @tag)", "@tag", EVALUATED_TAG);
  }
  const sort =
    order === "newestFirst"
      ? "c.tenantId, c.startedAt DESC, c.id DESC"
      : "c.tenantId, c.startedAt, c.id";
  return {
    query: `SELECT * FROM c WHERE ${where.join(" AND ")} ORDER BY ${sort}`,
    parameters,
  };
}

/** How many interactions one page of a pool query brings (a run reads the whole pool). */
const POOL_PAGE = 1000;

/** A policy run's pool: no ORDER BY, the run orders it by its own seeded shuffle. */
export function poolQuery(tenantId: string, filter: ports.PoolFilter): SqlQuerySpec {
  const where = [
    "c.tenantId = @tenantId",
    "c.startedAt >= @from",
    "c.startedAt <= @to",
    "NOT ARRAY_CONTAINS(c.tags, @tag)",
    "(NOT IS_DEFINED(c.hold) OR IS_NULL(c.hold) OR STARTSWITH(c.hold.sessionId, @heldBy))",
  ];
  const parameters: SqlParameter[] = [
    { name: "@tenantId", value: tenantId },
    { name: "@from", value: filter.from },
    { name: "@to", value: filter.to },
    { name: "@tag", value: EVALUATED_TAG },
    { name: "@heldBy", value: filter.heldBy },
  ];
  const add = (clause: string, name: string, value: SqlParameter["value"]) => {
    where.push(clause);
    parameters.push({ name, value });
  };
  if (filter.agentIds !== undefined)
    add("ARRAY_CONTAINS(@agentIds, c.agentId)", "@agentIds", [...filter.agentIds]);
  if (filter.channel !== undefined) add("c.channel = @channel", "@channel", filter.channel);
  if (filter.minDurationSeconds !== undefined)
    add("c.durationSeconds >= @minDuration", "@minDuration", filter.minDurationSeconds);
  return { query: `SELECT * FROM c WHERE ${where.join(" AND ")}`, parameters };
}

export class CosmosInteractionStore implements ports.InteractionStore {
  private readonly interactions: CosmosContainer;

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.interactions = new CosmosContainer(container, containerNames.interactions, options);
  }

  async get(tenantId: string, id: string): Promise<Interaction | undefined> {
    if (!isValidId(id)) return undefined;
    const resource = await this.interactions.read(tenantId, id);
    return resource === undefined ? undefined : interactionSchema.parse(resource);
  }

  async createIfAbsent(
    interaction: Interaction,
  ): Promise<{ interaction: Interaction; created: boolean }> {
    const { resource, created } = await this.interactions.createOrRead(interaction, "Interaction");
    return { interaction: interactionSchema.parse(resource), created };
  }

  list(
    tenantId: string,
    filter: ports.InteractionFilter,
    page: ports.PageRequest,
  ): Promise<ports.Page<Interaction>> {
    return this.page(tenantId, filter, page, "newestFirst");
  }

  async getStored(tenantId: string, id: string): Promise<ports.Stored<Interaction> | undefined> {
    if (!isValidId(id)) return undefined;
    const resource = await this.interactions.read(tenantId, id);
    return resource === undefined ? undefined : toStored(interactionSchema, resource);
  }

  /** One page of the oldest-first free query: a pick costs one query, however long the history. */
  async listFree(
    tenantId: string,
    filter: ports.InteractionFilter,
    limit: number,
  ): Promise<ports.Stored<Interaction>[]> {
    const result = await this.interactions.queryPage(
      interactionListQuery(tenantId, { ...filter, evaluated: undefined }, "oldestFree"),
      interactionListIdentity(tenantId, filter, "oldestFree"),
      { limit },
    );
    return result.resources.map((r) => toStored(interactionSchema, r));
  }

  async listPool(tenantId: string, filter: ports.PoolFilter): Promise<ports.Stored<Interaction>[]> {
    const resources = await this.interactions.queryAll(
      poolQuery(tenantId, filter),
      tenantId,
      POOL_PAGE,
    );
    return resources.map((r) => toStored(interactionSchema, r));
  }

  async setHold(
    tenantId: string,
    id: string,
    hold: Hold | null,
    etag: string,
  ): Promise<ports.Stored<Interaction>> {
    const resource = await this.interactions.patch(
      tenantId,
      id,
      [{ op: "set", path: "/hold", value: hold }],
      etag,
    );
    return toStored(interactionSchema, resource);
  }

  private async page(
    tenantId: string,
    filter: ports.InteractionFilter,
    page: ports.PageRequest,
    order: Order,
  ): Promise<ports.Page<Interaction>> {
    const result = await this.interactions.queryPage(
      interactionListQuery(tenantId, filter, order),
      interactionListIdentity(tenantId, filter, order),
      page,
    );
    return {
      items: result.resources.map((r) => interactionSchema.parse(r)),
      continuationToken: result.continuationToken,
    };
  }

  async addTag(tenantId: string, id: string, tag: string): Promise<void> {
    // Read, then a patch conditional on that read's etag: a concurrent tagger makes it 412 and
    // the loop re-reads, finds the tag or adds it once. (cosmosdb-server ignores patch filter
    // predicates, so the etag is the guard that works the same in both places.)
    for (let attempt = 1; ; attempt += 1) {
      const resource = isValidId(id) ? await this.interactions.read(tenantId, id) : undefined;
      if (resource === undefined)
        throw new AppError("NOT_FOUND", `Interaction ${id} was not found.`);
      const { doc, etag } = toStored(interactionSchema, resource);
      if (doc.tags.includes(tag)) return;
      try {
        await this.interactions.patch(
          tenantId,
          id,
          [{ op: "add", path: "/tags/-", value: tag }],
          etag,
        );
        return;
      } catch (error) {
        if (!lostRace(error) || attempt >= TAG_ATTEMPTS) throw error;
      }
    }
  }
}
