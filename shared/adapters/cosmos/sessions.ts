import { outboxSize, outboxWithout, type Outbox, type OutboxDone } from "../../domain/outbox.js";
import type { Container, PatchOperation, SqlParameter, SqlQuerySpec } from "@azure/cosmos";
import { z } from "zod";
import type { Window } from "../../domain/analytics-window.js";
import { isCode } from "../../domain/errors.js";
import { isValidId } from "../../domain/ids.js";
import {
  sessionDocumentSchema,
  storedSessionDocumentSchema,
  type SessionDocument,
} from "../../domain/model.js";
import type {
  Page,
  PageRequest,
  PolicySlot,
  SessionFilter,
  SessionStore,
  PendingSweep,
  SessionSummaryRecord,
  Stored,
} from "../../ports.js";
import { sessionListIdentity } from "../continuation.js";
import { containerNames } from "./containers.js";
import { CosmosContainer, toStored, type CosmosStoreOptions } from "./requests.js";

export const sessionSummarySchema = sessionDocumentSchema
  .pick({
    id: true,
    name: true,
    type: true,
    state: true,
    archived: true,
    evaluatorId: true,
    agentId: true,
    dueDate: true,
    lastEditedAt: true,
    showScore: true,
  })
  .extend({
    interaction: z.object({ id: z.string(), externalId: z.string() }),
    score: z.number().nullable(),
  });

/** `select` over one tenant's sessions that `where` and were first completed in [from, to). */
export function completedInQuery(
  tenantId: string,
  window: Window,
  select: string,
  where: string,
): SqlQuerySpec {
  return {
    query:
      `${select} FROM c WHERE c.tenantId = @tenantId AND ${where} AND c.state = 'Completed' ` +
      "AND c.completedAt >= @from AND c.completedAt < @to",
    parameters: [
      { name: "@tenantId", value: tenantId },
      { name: "@from", value: window.from },
      { name: "@to", value: window.to },
    ],
  };
}

const policySlotSchema = z.object({ id: z.string(), agentId: z.string() });

/** Rows per page of the queries a policy run reads whole. */
const QUERY_PAGE = 1000;

/** Only what the grid shows: no answers, no form snapshots, no outbox. */
const SUMMARY_SELECT =
  "SELECT c.id, c.name, c.type, c.state, c.archived, c.evaluatorId, c.agentId, c.dueDate, " +
  "c.lastEditedAt, c.showScore, " +
  "{ 'id': c.interaction.id, 'externalId': c.interaction.externalId } AS interaction, " +
  "c.scores.session AS score FROM c";

/** The grid query for one tenant, parameterised; the derived Expired status is computed here. */
/** What is left of a document that no longer parses: enough to name it in a log line. */
const documentKeySchema = z.object({
  tenantId: z.string().catch("(unknown)"),
  id: z.string().catch("(unknown)"),
});

function describeParseFailure(error: unknown): string {
  if (error instanceof z.ZodError) {
    return error.issues.map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`).join("; ");
  }
  return error instanceof Error ? error.message : String(error);
}

export function sessionListQuery(tenantId: string, filter: SessionFilter): SqlQuerySpec {
  const where = ["c.tenantId = @tenantId"];
  const parameters: SqlParameter[] = [{ name: "@tenantId", value: tenantId }];
  const add = (clause: string, name: string, value: SqlParameter["value"]) => {
    where.push(clause);
    parameters.push({ name, value });
  };

  switch (filter.status) {
    case undefined:
      break;
    case "Expired":
      where.push("c.state != 'Completed'");
      add("c.dueDate < @now", "@now", filter.now);
      break;
    case "Completed":
      add("c.state = @state", "@state", filter.status);
      break;
    default:
      // A stored open state shows as Expired once the due date passed, so it is excluded here.
      add("c.state = @state", "@state", filter.status);
      add("c.dueDate >= @now", "@now", filter.now);
  }
  if (filter.archived !== "all") add("c.archived = @archived", "@archived", filter.archived);
  if (filter.type !== undefined) add("c.type = @type", "@type", filter.type);
  if (filter.evaluatorId !== undefined)
    add("c.evaluatorId = @evaluatorId", "@evaluatorId", filter.evaluatorId);
  if (filter.agentId !== undefined) add("c.agentId = @agentId", "@agentId", filter.agentId);
  if (filter.calibrationId !== undefined)
    add("c.calibrationId = @calibrationId", "@calibrationId", filter.calibrationId);
  if (filter.policyId !== undefined) add("c.policyId = @policyId", "@policyId", filter.policyId);
  if (filter.dueBefore !== undefined) add("c.dueDate < @dueBefore", "@dueBefore", filter.dueBefore);
  if (filter.visibleToEvaluator !== undefined)
    add(
      "(c.evaluatorId = @viewer OR c.state = 'Unassigned')",
      "@viewer",
      filter.visibleToEvaluator,
    );
  if (filter.ids !== undefined) add("ARRAY_CONTAINS(@ids, c.id)", "@ids", [...filter.ids]);

  return {
    query: `${SUMMARY_SELECT} WHERE ${where.join(" AND ")} ORDER BY c.tenantId, c.dueDate, c.id`,
    parameters,
  };
}

/**
 * Remembers the outbox of recently read or written sessions by `_etag`, so clearing published
 * events is one conditional patch instead of a read and a write. An entry is only used when its
 * etag is the one the caller names, so a stale entry is never applied.
 */
class OutboxCache {
  private readonly entries = new Map<string, { etag: string; outbox: Outbox }>();

  constructor(private readonly capacity = 512) {}

  private static key(tenantId: string, id: string): string {
    return `${tenantId}\u0000${id}`;
  }

  remember(stored: Stored<SessionDocument>): void {
    const key = OutboxCache.key(stored.doc.tenantId, stored.doc.id);
    this.entries.delete(key);
    if (!stored.doc.hasPendingEvents) return;
    this.entries.set(key, { etag: stored.etag, outbox: stored.doc });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  outboxAt(tenantId: string, id: string, etag: string): Outbox | undefined {
    const entry = this.entries.get(OutboxCache.key(tenantId, id));
    return entry?.etag === etag ? entry.outbox : undefined;
  }

  forget(tenantId: string, id: string): void {
    this.entries.delete(OutboxCache.key(tenantId, id));
  }
}

export class CosmosSessionStore implements SessionStore {
  private readonly sessions: CosmosContainer;
  private readonly outbox = new OutboxCache();

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.sessions = new CosmosContainer(container, containerNames.sessions, options);
  }

  private stored(resource: unknown): Stored<SessionDocument> {
    const stored = toStored(storedSessionDocumentSchema, resource);
    this.outbox.remember(stored);
    return stored;
  }

  async get(tenantId: string, id: string): Promise<Stored<SessionDocument> | undefined> {
    if (!isValidId(id)) return undefined;
    const resource = await this.sessions.read(tenantId, id);
    return resource === undefined ? undefined : this.stored(resource);
  }

  async create(session: SessionDocument): Promise<Stored<SessionDocument>> {
    return this.stored(await this.sessions.create(session));
  }

  async replace(session: SessionDocument, etag: string): Promise<Stored<SessionDocument>> {
    return this.stored(await this.sessions.replace(session, etag));
  }

  async list(
    tenantId: string,
    filter: SessionFilter,
    page: PageRequest,
  ): Promise<Page<SessionSummaryRecord>> {
    const result = await this.sessions.queryPage(
      sessionListQuery(tenantId, filter),
      sessionListIdentity(tenantId, filter),
      page,
    );
    return {
      items: result.resources.map((r) => sessionSummarySchema.parse(r)),
      continuationToken: result.continuationToken,
    };
  }

  async policySessions(tenantId: string, policyId: string, period: string): Promise<PolicySlot[]> {
    const resources = await this.sessions.queryAll(
      {
        query:
          "SELECT c.id, c.agentId FROM c WHERE c.tenantId = @tenantId AND c.policyId = @policyId " +
          "AND c.selection.period = @period",
        parameters: [
          { name: "@tenantId", value: tenantId },
          { name: "@policyId", value: policyId },
          { name: "@period", value: period },
        ],
      },
      tenantId,
      QUERY_PAGE,
    );
    return resources.map((r) => policySlotSchema.parse(r));
  }

  async openByEvaluator(
    tenantId: string,
    evaluatorIds: readonly string[],
    now: string,
  ): Promise<Map<string, number>> {
    // One small row per open session, counted here: no GROUP BY, which the stand-in lacks.
    const resources = await this.sessions.queryAll(
      {
        query:
          "SELECT VALUE c.evaluatorId FROM c WHERE c.tenantId = @tenantId " +
          "AND ARRAY_CONTAINS(@evaluators, c.evaluatorId) AND c.state != 'Completed' " +
          "AND c.archived = false AND c.dueDate >= @now",
        parameters: [
          { name: "@tenantId", value: tenantId },
          { name: "@evaluators", value: [...evaluatorIds] },
          { name: "@now", value: now },
        ],
      },
      tenantId,
      QUERY_PAGE,
    );
    const counts = new Map<string, number>();
    for (const id of z.array(z.string()).parse(resources))
      counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  }

  async withPendingEvents(limit: number): Promise<PendingSweep> {
    const resources = await this.sessions.queryAcrossTenants(
      { query: "SELECT * FROM c WHERE c.hasPendingEvents = true" },
      limit,
    );
    const sweep: PendingSweep = { sessions: [], unreadable: [] };
    for (const resource of resources) {
      try {
        sweep.sessions.push(this.stored(resource));
      } catch (error) {
        const { tenantId, id } = documentKeySchema.parse(resource);
        sweep.unreadable.push({ tenantId, id, reason: describeParseFailure(error) });
      }
    }
    return sweep;
  }

  async clearOutbox(
    tenantId: string,
    id: string,
    done: OutboxDone,
    etag: string,
  ): Promise<boolean> {
    let outbox = this.outbox.outboxAt(tenantId, id, etag);
    if (outbox === undefined) {
      const current = await this.get(tenantId, id);
      if (current?.etag !== etag) return false;
      outbox = current.doc;
    }
    const left = outboxWithout(outbox, done);
    if (outboxSize(left) === outboxSize(outbox)) return true;
    const operations: PatchOperation[] = [
      { op: "set", path: "/pendingEvents", value: left.pendingEvents },
      { op: "set", path: "/pendingHistory", value: left.pendingHistory },
      { op: "set", path: "/pendingVersions", value: left.pendingVersions },
      { op: "set", path: "/hasPendingEvents", value: left.hasPendingEvents },
    ];

    try {
      const resource = await this.sessions.patch(tenantId, id, operations, etag);
      this.stored(resource);
      return true;
    } catch (error) {
      if (isCode(error, "PRECONDITION_FAILED", "NOT_FOUND")) {
        this.outbox.forget(tenantId, id);
        return false;
      }
      throw error;
    }
  }
}
