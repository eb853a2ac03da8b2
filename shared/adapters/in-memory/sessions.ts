import { outboxSize, outboxWithout, type OutboxDone } from "../../domain/outbox.js";
import type { SessionDocument } from "../../domain/model.js";
import type {
  Page,
  PageRequest,
  SessionFilter,
  SessionStore,
  PendingSweep,
  PolicySlot,
  SessionSummaryRecord,
  Stored,
} from "../../ports.js";
import { sessionListIdentity } from "../continuation.js";
import { MemoryCollection } from "./collection.js";

/** The same predicate as the Cosmos grid query, including the derived Expired status. */
export function matchesSession(s: SessionDocument, filter: SessionFilter): boolean {
  const expired = s.state !== "Completed" && s.dueDate < filter.now;
  const status =
    filter.status === undefined ||
    (filter.status === "Expired"
      ? expired
      : filter.status === "Completed"
        ? s.state === "Completed"
        : s.state === filter.status && s.dueDate >= filter.now);
  return (
    status &&
    (filter.archived === "all" || s.archived === filter.archived) &&
    (filter.type === undefined || s.type === filter.type) &&
    (filter.evaluatorId === undefined || s.evaluatorId === filter.evaluatorId) &&
    (filter.agentId === undefined || s.agentId === filter.agentId) &&
    (filter.calibrationId === undefined || s.calibrationId === filter.calibrationId) &&
    (filter.policyId === undefined || s.policyId === filter.policyId) &&
    (filter.dueBefore === undefined || s.dueDate < filter.dueBefore) &&
    (filter.visibleToEvaluator === undefined ||
      s.evaluatorId === filter.visibleToEvaluator ||
      s.state === "Unassigned") &&
    (filter.ids === undefined || filter.ids.includes(s.id))
  );
}

function summaryOf(s: SessionDocument): SessionSummaryRecord {
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    state: s.state,
    archived: s.archived,
    evaluatorId: s.evaluatorId,
    agentId: s.agentId,
    dueDate: s.dueDate,
    lastEditedAt: s.lastEditedAt,
    showScore: s.showScore,
    interaction: { id: s.interaction.id, externalId: s.interaction.externalId },
    score: s.scores.session,
  };
}

export class InMemorySessionStore implements SessionStore {
  private readonly sessions = new MemoryCollection<SessionDocument>("sessions");

  async get(tenantId: string, id: string): Promise<Stored<SessionDocument> | undefined> {
    return Promise.resolve(this.sessions.get(tenantId, id));
  }

  async create(session: SessionDocument): Promise<Stored<SessionDocument>> {
    return Promise.resolve(this.sessions.create(session));
  }

  async replace(session: SessionDocument, etag: string): Promise<Stored<SessionDocument>> {
    return Promise.resolve(this.sessions.replace(session, etag));
  }

  async list(
    tenantId: string,
    filter: SessionFilter,
    page: PageRequest,
  ): Promise<Page<SessionSummaryRecord>> {
    return Promise.resolve(
      this.sessions.page(
        sessionListIdentity(tenantId, filter),
        (s) => matchesSession(s, filter),
        [{ value: (s) => s.dueDate }, { value: (s) => s.id }],
        page,
        summaryOf,
      ),
    );
  }

  async policySessions(tenantId: string, policyId: string, period: string): Promise<PolicySlot[]> {
    return Promise.resolve(
      this.sessions
        .all(tenantId)
        .filter(({ doc }) => doc.policyId === policyId && doc.selection?.period === period)
        .map(({ doc }) => ({ id: doc.id, agentId: doc.agentId })),
    );
  }

  async openByEvaluator(
    tenantId: string,
    evaluatorIds: readonly string[],
    now: string,
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const { doc } of this.sessions.all(tenantId)) {
      const open = doc.state !== "Completed" && !doc.archived && doc.dueDate >= now;
      if (open && doc.evaluatorId !== null && evaluatorIds.includes(doc.evaluatorId))
        counts.set(doc.evaluatorId, (counts.get(doc.evaluatorId) ?? 0) + 1);
    }
    return Promise.resolve(counts);
  }

  async withPendingEvents(limit: number): Promise<PendingSweep> {
    const sessions = this.sessions
      .all()
      .filter(({ doc }) => doc.hasPendingEvents)
      .slice(0, limit);
    // Documents kept here were typed when written: none can be unreadable.
    return Promise.resolve({ sessions, unreadable: [] });
  }

  async clearOutbox(
    tenantId: string,
    id: string,
    done: OutboxDone,
    etag: string,
  ): Promise<boolean> {
    const current = this.sessions.get(tenantId, id);
    if (current?.etag !== etag) return Promise.resolve(false);
    const left = outboxWithout(current.doc, done);
    if (outboxSize(left) !== outboxSize(current.doc)) {
      this.sessions.replace({ ...current.doc, ...left }, etag);
    }
    return Promise.resolve(true);
  }

  /** Every session of a tenant, as stored (the in-memory calibration store reads them). */
  documents(tenantId: string): SessionDocument[] {
    return this.sessions.all(tenantId).map((stored) => stored.doc);
  }
}
