// History entries and version snapshots in their own containers: one document each, keyed
// `<sessionId>.<revision>` and `<sessionId>.v<version>`, so moving them out of a session twice
// stores them once.
import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { isCode } from "../../domain/errors.js";
import {
  historyEntrySchema,
  versionSnapshotSchema,
  type HistoryEntry,
  type VersionSnapshot,
} from "../../domain/model.js";
import type { HistoryStore, Page, PageRequest, VersionStore } from "../../ports.js";
import { historyListIdentity } from "../continuation.js";
import { containerNames } from "./containers.js";
import { CosmosContainer, type CosmosStoreOptions } from "./requests.js";

/** Creates each document unless it exists (a second move of the same outbox stores nothing). */
async function createEach(container: CosmosContainer, docs: { tenantId: string; id: string }[]) {
  for (const doc of docs) {
    try {
      await container.create(doc);
    } catch (error) {
      if (!isCode(error, "CONFLICT")) throw error;
    }
  }
}

const sessionQuery = (tenantId: string, sessionId: string, order: string) => ({
  query:
    "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.sessionId = @sessionId " +
    `ORDER BY c.tenantId, c.sessionId, ${order}`,
  parameters: [
    { name: "@tenantId", value: tenantId },
    { name: "@sessionId", value: sessionId },
  ],
});

export class CosmosHistoryStore implements HistoryStore {
  private readonly entries: CosmosContainer;

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.entries = new CosmosContainer(container, containerNames.history, options);
  }

  add(tenantId: string, sessionId: string, entries: readonly HistoryEntry[]): Promise<void> {
    const docs = entries.map((e) => ({
      ...e,
      id: `${sessionId}.${e.revision}`,
      tenantId,
      sessionId,
    }));
    return createEach(this.entries, docs);
  }

  async list(tenantId: string, sessionId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    const result = await this.entries.queryPage(
      sessionQuery(tenantId, sessionId, "c.revision DESC"),
      historyListIdentity(tenantId, sessionId),
      page,
    );
    return {
      items: result.resources.map((r) => historyEntrySchema.parse(r)),
      continuationToken: result.continuationToken,
    };
  }
}

export class CosmosVersionStore implements VersionStore {
  private readonly versions: CosmosContainer;

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.versions = new CosmosContainer(container, containerNames.versions, options);
  }

  add(tenantId: string, sessionId: string, versions: readonly VersionSnapshot[]): Promise<void> {
    const docs = versions.map((v) => ({
      ...v,
      id: `${sessionId}.v${v.version}`,
      tenantId,
      sessionId,
    }));
    return createEach(this.versions, docs);
  }

  async list(tenantId: string, sessionId: string): Promise<VersionSnapshot[]> {
    const resources = await this.versions.queryAll(
      sessionQuery(tenantId, sessionId, "c.version DESC"),
      tenantId,
    );
    return z.array(versionSnapshotSchema).parse(resources);
  }

  async get(tenantId: string, sessionId: string, version: number) {
    const resource = await this.versions.read(tenantId, `${sessionId}.v${version}`);
    return resource === undefined ? undefined : versionSnapshotSchema.parse(resource);
  }
}
