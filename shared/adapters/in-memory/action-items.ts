import type { ActionItem } from "../../domain/model.js";
import type { ActionItemFilter, ActionItemStore, Page, PageRequest, Stored } from "../../ports.js";
import { actionItemListIdentity } from "../continuation.js";
import { MemoryCollection } from "./collection.js";

export class InMemoryActionItemStore implements ActionItemStore {
  private readonly items = new MemoryCollection<ActionItem>("actionItems");

  async get(tenantId: string, id: string): Promise<Stored<ActionItem> | undefined> {
    return Promise.resolve(this.items.get(tenantId, id));
  }

  async createIfAbsent(
    item: ActionItem,
  ): Promise<{ stored: Stored<ActionItem>; created: boolean }> {
    return Promise.resolve(this.items.createOrGet(item));
  }

  async replace(item: ActionItem, etag: string): Promise<Stored<ActionItem>> {
    return Promise.resolve(this.items.replace(item, etag));
  }

  async list(
    tenantId: string,
    filter: ActionItemFilter,
    page: PageRequest,
  ): Promise<Page<ActionItem>> {
    return Promise.resolve(
      this.items.page(
        actionItemListIdentity(tenantId, filter),
        (a) =>
          (filter.agentId === undefined || a.agentId === filter.agentId) &&
          (filter.evaluatorId === undefined || a.evaluatorId === filter.evaluatorId) &&
          (filter.sessionId === undefined || a.sessionId === filter.sessionId) &&
          (filter.status === undefined || a.status === filter.status),
        [
          { value: (a) => a.createdAt, descending: true },
          { value: (a) => a.id, descending: true },
        ],
        page,
        (a) => a,
      ),
    );
  }
}
