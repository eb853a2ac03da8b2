// History entries and version snapshots in memory, keyed like the Cosmos documents
// (`<sessionId>.<revision>`, `<sessionId>.v<version>`).
import type { HistoryEntry, VersionSnapshot } from "../../domain/model.js";
import type { HistoryStore, Page, PageRequest, VersionStore } from "../../ports.js";
import { historyListIdentity } from "../continuation.js";
import { MemoryCollection } from "./collection.js";

type Kept<T> = T & { id: string; tenantId: string; sessionId: string };

export class InMemoryHistoryStore implements HistoryStore {
  private readonly entries = new MemoryCollection<Kept<HistoryEntry>>("history");

  async add(tenantId: string, sessionId: string, entries: readonly HistoryEntry[]) {
    for (const entry of entries) {
      const id = `${sessionId}.${entry.revision}`;
      if (!this.entries.get(tenantId, id)) {
        this.entries.create({ ...entry, id, tenantId, sessionId });
      }
    }
    return Promise.resolve();
  }

  async list(tenantId: string, sessionId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    return Promise.resolve(
      this.entries.page(
        historyListIdentity(tenantId, sessionId),
        (entry) => entry.sessionId === sessionId,
        [{ value: (entry) => entry.revision, descending: true }],
        page,
        ({ id: _id, tenantId: _t, sessionId: _s, ...entry }) => entry,
      ),
    );
  }
}

export class InMemoryVersionStore implements VersionStore {
  private readonly versions = new MemoryCollection<Kept<VersionSnapshot>>("versions");

  async add(tenantId: string, sessionId: string, versions: readonly VersionSnapshot[]) {
    for (const version of versions) {
      const id = `${sessionId}.v${version.version}`;
      if (!this.versions.get(tenantId, id)) {
        this.versions.create({ ...version, id, tenantId, sessionId });
      }
    }
    return Promise.resolve();
  }

  async list(tenantId: string, sessionId: string): Promise<VersionSnapshot[]> {
    const all = this.versions
      .all(tenantId)
      .map(({ doc }) => doc)
      .filter((v) => v.sessionId === sessionId)
      .sort((a, b) => b.version - a.version);
    return Promise.resolve(all.map(({ id: _id, tenantId: _t, sessionId: _s, ...v }) => v));
  }

  async get(tenantId: string, sessionId: string, version: number) {
    const kept = this.versions.get(tenantId, `${sessionId}.v${version}`)?.doc;
    if (!kept) return Promise.resolve(undefined);
    const { id: _id, tenantId: _t, sessionId: _s, ...snapshot } = kept;
    return Promise.resolve(snapshot);
  }
}
