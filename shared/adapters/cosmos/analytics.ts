// The analytics read model in its own container (docs/data-model.md "Analytics"): buckets and
// form catalogs, point-read and written with the document's etag; reads are one query each.
import type { Container, SqlParameter } from "@azure/cosmos";
import { z } from "zod";
import {
  analyticsBucketSchema,
  bucketSumsSchema,
  catalogId,
  formCatalogSchema,
  type AnalyticsBucket,
  type AnalyticsDocument,
  type BucketSums,
  type FormCatalog,
} from "../../domain/analytics.js";
import type { AnalyticsStore, BucketQuery, Stored } from "../../ports.js";
import { containerNames } from "./containers.js";
import { CosmosContainer, toStored, type CosmosStoreOptions } from "./requests.js";

/**
 * Buckets per query page. Azure ends a page at 4 MB too; a month of 40 questions answered every
 * day is about 25 KB of sums (the versions held are not read), so up to about 60 questions the
 * count ends the page first, and a read costs one call per 100 buckets however many sessions
 * filled them (bench/analytics.ts: `analyticsCallsGrowth`).
 */
const BUCKETS_PER_PAGE = 100;
/** Ids only (a rebuild deleting a tenant's documents). */
const IDS_PER_PAGE = 1000;

// What a read needs of a bucket; the versions it holds (`applied`) stay in the store.
const bucketFields = ["id", "tenantId", "kind", "agentId", "formId", "month", "days", "updatedAt"]
  .map((field) => `c.${field}`)
  .join(", ");

export class CosmosAnalyticsStore implements AnalyticsStore {
  private readonly docs: CosmosContainer;

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.docs = new CosmosContainer(container, containerNames.analytics, options);
  }

  async getBucket(tenantId: string, id: string): Promise<Stored<AnalyticsBucket> | undefined> {
    const resource = await this.docs.read(tenantId, id);
    return resource === undefined ? undefined : toStored(analyticsBucketSchema, resource);
  }

  async getCatalog(tenantId: string, formId: string): Promise<Stored<FormCatalog> | undefined> {
    const resource = await this.docs.read(tenantId, catalogId(formId));
    return resource === undefined ? undefined : toStored(formCatalogSchema, resource);
  }

  async put(doc: AnalyticsDocument, etag: string | null): Promise<void> {
    if (etag === null) await this.docs.create(doc);
    else await this.docs.replace(doc, etag);
  }

  async buckets(tenantId: string, query: BucketQuery): Promise<BucketSums[]> {
    const where = [
      "c.tenantId = @tenantId",
      "c.kind = 'bucket'",
      "c.month >= @fromMonth",
      "c.month <= @toMonth",
    ];
    const parameters: SqlParameter[] = [
      { name: "@tenantId", value: tenantId },
      { name: "@fromMonth", value: query.fromMonth },
      { name: "@toMonth", value: query.toMonth },
    ];
    if (query.agentId !== undefined) {
      where.push("c.agentId = @agentId");
      parameters.push({ name: "@agentId", value: query.agentId });
    }
    if (query.level === "sessions") where.push("IS_NULL(c.formId)");
    else if (query.level === "forms") where.push("NOT IS_NULL(c.formId)");
    else {
      where.push("c.formId = @formId");
      parameters.push({ name: "@formId", value: query.level.formId });
    }
    const resources = await this.docs.queryAll(
      { query: `SELECT ${bucketFields} FROM c WHERE ${where.join(" AND ")}`, parameters },
      tenantId,
      BUCKETS_PER_PAGE,
    );
    return z.array(bucketSumsSchema).parse(resources);
  }

  async catalogs(tenantId: string): Promise<FormCatalog[]> {
    const resources = await this.docs.queryAll(
      {
        query: "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.kind = 'catalog'",
        parameters: [{ name: "@tenantId", value: tenantId }],
      },
      tenantId,
    );
    return z.array(formCatalogSchema).parse(resources);
  }

  async clear(tenantId: string): Promise<number> {
    const ids = await this.docs.queryAll(
      {
        query: "SELECT VALUE c.id FROM c WHERE c.tenantId = @tenantId",
        parameters: [{ name: "@tenantId", value: tenantId }],
      },
      tenantId,
      IDS_PER_PAGE,
    );
    let removed = 0;
    for (const id of z.array(z.string()).parse(ids)) {
      if (await this.docs.delete(tenantId, id)) removed++;
    }
    return removed;
  }
}
