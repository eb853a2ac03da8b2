// One behaviour contract for the analytics store, run against the Cosmos adapter (over
// cosmosdb-server in-process) and the in-memory one, as test/stores.contract.test.ts does for
// the other stores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCosmosStores, type CosmosRequestEvent } from "../shared/adapters/cosmos/index.js";
import { InMemoryAnalyticsStore } from "../shared/adapters/in-memory/analytics.js";
import {
  bucketId,
  catalogId,
  emptyBucket,
  type AnalyticsBucket,
  type BucketKey,
  type FormCatalog,
} from "../shared/domain/analytics.js";
import { AppError } from "../shared/domain/errors.js";
import type { AnalyticsStore } from "../shared/ports.js";
import { startCosmosTestDatabase } from "./support/stores-cosmos.js";

interface Harness {
  store: AnalyticsStore;
  requests?: CosmosRequestEvent[];
  close: () => Promise<void>;
}

const adapters: { name: string; start: () => Promise<Harness> }[] = [
  {
    name: "in-memory",
    start: () =>
      Promise.resolve({ store: new InMemoryAnalyticsStore(), close: () => Promise.resolve() }),
  },
  {
    name: "cosmos",
    start: async () => {
      const db = await startCosmosTestDatabase();
      const requests: CosmosRequestEvent[] = [];
      const { analytics } = createCosmosStores(db.database, {
        onRequest: (e) => requests.push(e),
      });
      return { store: analytics, requests, close: db.close };
    },
  },
];

const NOW = new Date("2026-11-26T10:00:00.000Z");

function bucket(tenantId: string, key: BucketKey, sessions = 1): AnalyticsBucket {
  return {
    ...emptyBucket(tenantId, key, NOW),
    days: {
      [`${key.month}-03`]: {
        sessions,
        scored: sessions,
        sum: 70 * sessions,
        autofailed: 0,
        questions: key.formId === null ? {} : { greet: [sessions, 100, 10_000] },
      },
    },
    applied: { s1: 1 },
  };
}

const catalog = (tenantId: string, formId: string): FormCatalog => ({
  id: catalogId(formId),
  tenantId,
  kind: "catalog",
  formId,
  name: `Form ${formId}`,
  version: 2,
  questions: { greet: { text: "Greeted?", version: 2 } },
  updatedAt: NOW.toISOString(),
});

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return "none";
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
};

describe.each(adapters)("$name analytics store", (adapter) => {
  let h: Harness;
  beforeAll(async () => {
    h = await adapter.start();
  });
  afterAll(() => h.close());

  it("creates once, replaces at the etag, and refuses a duplicate, a stale etag and a gone one", async () => {
    const key = { agentId: "a1", formId: "f1", month: "2026-10" };
    const doc = bucket("t-write", key);
    await h.store.put(doc, null);
    expect(await codeOf(h.store.put(doc, null))).toBe("CONFLICT");
    const stored = await h.store.getBucket("t-write", bucketId(key));
    expect(stored?.doc).toEqual(doc);
    const changed = bucket("t-write", key, 2);
    await h.store.put(changed, stored?.etag ?? "");
    expect((await h.store.getBucket("t-write", bucketId(key)))?.doc).toEqual(changed);
    expect(await codeOf(h.store.put(doc, stored?.etag ?? ""))).toBe("PRECONDITION_FAILED");
    expect(await h.store.getBucket("other", bucketId(key))).toBeUndefined();
    await h.store.clear("t-write");
    expect(await codeOf(h.store.put(doc, stored?.etag ?? ""))).toBe("NOT_FOUND");
  });

  it("keeps catalogs apart from buckets, one tenant apart from another", async () => {
    await h.store.put(catalog("t-cat", "f1"), null);
    await h.store.put(catalog("t-cat", "f2"), null);
    await h.store.put(catalog("t-cat-other", "f3"), null);
    await h.store.put(bucket("t-cat", { agentId: "a", formId: "f1", month: "2026-11" }), null);
    expect((await h.store.getCatalog("t-cat", "f1"))?.doc).toEqual(catalog("t-cat", "f1"));
    expect(await h.store.getCatalog("t-cat", "f3")).toBeUndefined();
    const all = await h.store.catalogs("t-cat");
    expect(all.map((c) => c.formId).sort()).toEqual(["f1", "f2"]);
  });

  it("finds buckets by month range, agent and level, and only the tenant's", async () => {
    const t = "t-read";
    const keys: BucketKey[] = [
      { agentId: "a1", formId: "f1", month: "2026-09" },
      { agentId: "a1", formId: "f1", month: "2026-10" },
      { agentId: "a1", formId: null, month: "2026-10" },
      { agentId: "a2", formId: "f2", month: "2026-10" },
      { agentId: "a2", formId: "f1", month: "2026-12" },
    ];
    for (const key of keys) await h.store.put(bucket(t, key), null);
    await h.store.put(bucket("t-read-other", keys[1] ?? keys[0]!), null);
    await h.store.put(catalog(t, "f1"), null);
    const ids = async (query: Parameters<AnalyticsStore["buckets"]>[1]) =>
      (await h.store.buckets(t, query)).map((b) => b.id).sort();
    const range = { fromMonth: "2026-10", toMonth: "2026-11" };
    expect(await ids({ ...range, level: "forms" })).toEqual(
      [keys[1], keys[3]].map((k) => bucketId(k!)).sort(),
    );
    expect(await ids({ ...range, level: "sessions" })).toEqual([bucketId(keys[2]!)]);
    expect(await ids({ ...range, level: { formId: "f1" } })).toEqual([bucketId(keys[1]!)]);
    expect(await ids({ ...range, agentId: "a2", level: "forms" })).toEqual([bucketId(keys[3]!)]);
    expect(
      await ids({ fromMonth: "2026-09", toMonth: "2026-12", level: { formId: "f1" } }),
    ).toEqual([keys[0], keys[1], keys[4]].map((k) => bucketId(k!)).sort());
    // The sums come back whole.
    const [one] = await h.store.buckets(t, { ...range, level: { formId: "f1" } });
    expect(one?.days).toEqual(bucket(t, keys[1]!).days);
  });

  it("clears one tenant's documents and no other's", async () => {
    await h.store.put(bucket("t-clear", { agentId: "a", formId: null, month: "2026-11" }), null);
    await h.store.put(catalog("t-clear", "f"), null);
    await h.store.put(bucket("t-keep", { agentId: "a", formId: null, month: "2026-11" }), null);
    expect(await h.store.clear("t-clear")).toBe(2);
    expect(await h.store.catalogs("t-clear")).toEqual([]);
    const kept = await h.store.buckets("t-keep", {
      fromMonth: "2026-01",
      toMonth: "2026-12",
      level: "sessions",
    });
    expect(kept).toHaveLength(1);
  });

  it.runIf(adapter.name === "cosmos")(
    "reads buckets with one single-tenant query and a bucket with one point read",
    async () => {
      const requests = h.requests ?? [];
      requests.length = 0;
      await h.store.buckets("t-read", { fromMonth: "2026-01", toMonth: "2026-12", level: "forms" });
      expect(requests).toEqual([
        { container: "analytics", operation: "query", crossPartition: false },
      ]);
      requests.length = 0;
      await h.store.getBucket("t-read", "bucket.a1.f1.2026-10");
      expect(requests).toEqual([
        { container: "analytics", operation: "read", crossPartition: false },
      ]);
    },
  );
});
