// The Cosmos DB containers of the service: read by the local host (which creates them on start)
// and mirrored by the Bicep templates. docs/data-model.md argues every choice here.
import {
  PartitionKeyDefinitionVersion,
  PartitionKeyKind,
  type CompositePath,
  type ContainerRequest,
  type IndexingPolicy,
} from "@azure/cosmos";

export const containerNames = {
  forms: "forms",
  interactions: "interactions",
  sessions: "sessions",
  actionItems: "actionItems",
  history: "history",
  versions: "versions",
  disputes: "disputes",
  calibrations: "calibrations",
  policies: "policies",
  operations: "operations",
  analytics: "analytics",
} as const;
export type ContainerName = (typeof containerNames)[keyof typeof containerNames];

/**
 * Hierarchical key (tenant, document): no logical partition grows with a tenant's history (the
 * 20 GB cap applies per full key), while the tenant prefix routes queries to that tenant only.
 */
const partitionKey = {
  paths: ["/tenantId", "/id"],
  kind: PartitionKeyKind.MultiHash,
  version: PartitionKeyDefinitionVersion.V2,
};

const asc = (path: string): CompositePath => ({ path, order: "ascending" });
const desc = (path: string): CompositePath => ({ path, order: "descending" });

// Every ORDER BY starts with the tenant (its equality filter), so one composite index serves the
// filter and the sort. Cosmos can walk a composite index backwards, but only for the exact
// reverse of every path; the stand-in wants the exact direction, so each order used is listed.
function indexing(excludedPaths: string[], compositeIndexes: CompositePath[][]): IndexingPolicy {
  return {
    indexingMode: "consistent",
    automatic: true,
    includedPaths: [{ path: "/*" }],
    excludedPaths: [...excludedPaths, '/"_etag"/?'].map((path) => ({ path })),
    compositeIndexes,
  };
}

/** Container definitions, including the composite indexes each ORDER BY needs. No TTL. */
export const containerDefinitions: Readonly<Record<keyof typeof containerNames, ContainerRequest>> =
  {
    forms: {
      id: containerNames.forms,
      partitionKey,
      // Form bodies are only ever returned, never filtered on.
      indexingPolicy: indexing(["/groups/*"], [[asc("/tenantId"), asc("/name"), asc("/id")]]),
    },
    interactions: {
      id: containerNames.interactions,
      partitionKey,
      indexingPolicy: indexing(
        ["/agentName/?", "/mediaContentType/?"],
        [
          [asc("/tenantId"), desc("/startedAt"), desc("/id")],
          [asc("/tenantId"), asc("/startedAt"), asc("/id")],
        ],
      ),
    },
    sessions: {
      id: containerNames.sessions,
      partitionKey,
      // Answers, form snapshots, scores and the outbox are the bulk of a session and are never
      // filtered on; leaving them out of the index keeps the RU of every save low.
      // `hasPendingEvents` stays indexed (the outbox sweep filters on it).
      indexingPolicy: indexing(
        [
          "/answers/*",
          "/forms/*",
          "/scores/*",
          "/pendingEvents/*",
          "/pendingHistory/*",
          "/pendingVersions/*",
          "/criteria/*",
          "/name/?",
        ],
        [[asc("/tenantId"), asc("/dueDate"), asc("/id")]],
      ),
    },
    history: {
      id: containerNames.history,
      partitionKey,
      indexingPolicy: indexing(
        ["/changes/*", "/reason/?"],
        [[asc("/tenantId"), asc("/sessionId"), desc("/revision")]],
      ),
    },
    versions: {
      id: containerNames.versions,
      partitionKey,
      // A version's answers and scores are returned, never filtered on.
      indexingPolicy: indexing(
        ["/answers/*", "/scores/*", "/reason/?"],
        [[asc("/tenantId"), asc("/sessionId"), desc("/version")]],
      ),
    },
    disputes: {
      id: containerNames.disputes,
      partitionKey,
      indexingPolicy: indexing(
        ["/items/*", "/comment/?", "/resolutionComment/?"],
        [[asc("/tenantId"), desc("/raisedAt"), desc("/id")]],
      ),
    },
    policies: {
      id: containerNames.policies,
      partitionKey,
      // Lists are returned, never filtered on; the timer filters on `enabled` across tenants.
      indexingPolicy: indexing(
        ["/formIds/*", "/evaluatorIds/*", "/criteria/*", "/lastRun/*"],
        [[asc("/tenantId"), asc("/name"), asc("/id")]],
      ),
    },
    operations: {
      id: containerNames.operations,
      partitionKey,
      // A run's result (up to MAX_RUN_SESSIONS ids) is returned, never filtered on; the timer
      // finds stalled runs by status and updatedAt across tenants.
      indexingPolicy: indexing(
        ["/created/*", "/inFlight/*", "/shortfall/*", "/error/*"],
        [[asc("/tenantId"), desc("/createdAt"), desc("/id")]],
      ),
    },
    analytics: {
      id: containerNames.analytics,
      partitionKey,
      // Reads filter on the tenant, kind, month, agent and form; the sums and the versions a
      // bucket holds are only ever returned, and are most of every write.
      indexingPolicy: indexing(["/days/*", "/applied/*", "/questions/*", "/name/?"], []),
    },
    actionItems: {
      id: containerNames.actionItems,
      partitionKey,
      indexingPolicy: indexing(
        ["/responses/*", "/summary/?"],
        [[asc("/tenantId"), desc("/createdAt"), desc("/id")]],
      ),
    },
    calibrations: {
      id: containerNames.calibrations,
      partitionKey,
      // Read by id or listed newest first; the form snapshots and members are only returned.
      indexingPolicy: indexing(
        ["/forms/*", "/members/*"],
        [[asc("/tenantId"), desc("/createdAt"), desc("/id")]],
      ),
    },
  };
