import type { Container } from "@azure/cosmos";
import { isValidId } from "../../domain/ids.js";
import { actionItemSchema, type ActionItem } from "../../domain/model.js";
import type { ActionItemFilter, ActionItemStore, Page, PageRequest, Stored } from "../../ports.js";
import { actionItemListIdentity } from "../continuation.js";
import { containerNames } from "./containers.js";
import { CosmosContainer, newestFirst, toStored, type CosmosStoreOptions } from "./requests.js";

export class CosmosActionItemStore implements ActionItemStore {
  private readonly items: CosmosContainer;

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.items = new CosmosContainer(container, containerNames.actionItems, options);
  }

  async get(tenantId: string, id: string): Promise<Stored<ActionItem> | undefined> {
    if (!isValidId(id)) return undefined;
    const resource = await this.items.read(tenantId, id);
    return resource === undefined ? undefined : toStored(actionItemSchema, resource);
  }

  async createIfAbsent(
    item: ActionItem,
  ): Promise<{ stored: Stored<ActionItem>; created: boolean }> {
    const { resource, created } = await this.items.createOrRead(item, "Action item");
    return { stored: toStored(actionItemSchema, resource), created };
  }

  async replace(item: ActionItem, etag: string): Promise<Stored<ActionItem>> {
    return toStored(actionItemSchema, await this.items.replace(item, etag));
  }

  async list(
    tenantId: string,
    filter: ActionItemFilter,
    page: PageRequest,
  ): Promise<Page<ActionItem>> {
    const fields = ["agentId", "evaluatorId", "sessionId", "status"] as const;
    const result = await this.items.queryPage(
      newestFirst(tenantId, fields, filter),
      actionItemListIdentity(tenantId, filter),
      page,
    );
    return {
      items: result.resources.map((r) => actionItemSchema.parse(r)),
      continuationToken: result.continuationToken,
    };
  }
}
