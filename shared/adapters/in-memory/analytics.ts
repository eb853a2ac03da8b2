// The analytics read model in memory, with the Cosmos adapter's behaviour (etags, 409/412/404).
import type { AnalyticsBucket, AnalyticsDocument, FormCatalog } from "../../domain/analytics.js";
import { catalogId } from "../../domain/analytics.js";
import type { AnalyticsStore, BucketQuery, Stored } from "../../ports.js";
import { MemoryCollection } from "./collection.js";

export class InMemoryAnalyticsStore implements AnalyticsStore {
  private readonly docs = new MemoryCollection<AnalyticsDocument>("analytics");

  async getBucket(tenantId: string, id: string): Promise<Stored<AnalyticsBucket> | undefined> {
    const stored = this.docs.get(tenantId, id);
    if (stored?.doc.kind !== "bucket") return Promise.resolve(undefined);
    return Promise.resolve({ doc: stored.doc, etag: stored.etag });
  }

  async getCatalog(tenantId: string, formId: string): Promise<Stored<FormCatalog> | undefined> {
    const stored = this.docs.get(tenantId, catalogId(formId));
    if (stored?.doc.kind !== "catalog") return Promise.resolve(undefined);
    return Promise.resolve({ doc: stored.doc, etag: stored.etag });
  }

  async put(doc: AnalyticsDocument, etag: string | null): Promise<void> {
    if (etag === null) this.docs.create(doc);
    else this.docs.replace(doc, etag);
    return Promise.resolve();
  }

  async buckets(tenantId: string, query: BucketQuery): Promise<AnalyticsBucket[]> {
    const { level } = query;
    const result: AnalyticsBucket[] = [];
    for (const { doc } of this.docs.all(tenantId)) {
      if (doc.kind !== "bucket" || doc.month < query.fromMonth || doc.month > query.toMonth)
        continue;
      if (query.agentId !== undefined && doc.agentId !== query.agentId) continue;
      const levelMatches =
        level === "sessions"
          ? doc.formId === null
          : level === "forms"
            ? doc.formId !== null
            : doc.formId === level.formId;
      if (levelMatches) result.push(doc);
    }
    return Promise.resolve(result);
  }

  async catalogs(tenantId: string): Promise<FormCatalog[]> {
    const result: FormCatalog[] = [];
    for (const { doc } of this.docs.all(tenantId)) if (doc.kind === "catalog") result.push(doc);
    return Promise.resolve(result);
  }

  async clear(tenantId: string): Promise<number> {
    let removed = 0;
    for (const { doc } of this.docs.all(tenantId))
      if (this.docs.delete(tenantId, doc.id)) removed++;
    return Promise.resolve(removed);
  }
}
