// The disputes projection in memory: one document per dispute, as of a session revision.
import { inWindow, type Window } from "../../domain/analytics-window.js";
import type { Dispute } from "../../domain/model.js";
import type { DisputeFilter, DisputeStore, Page, PageRequest } from "../../ports.js";
import { disputeListIdentity } from "../continuation.js";
import { MemoryCollection } from "./collection.js";

type Projected = Dispute & { tenantId: string; revision: number };

export class InMemoryDisputeStore implements DisputeStore {
  private readonly disputes = new MemoryCollection<Projected>("disputes");

  async project(tenantId: string, disputes: readonly Dispute[], revision: number) {
    for (const dispute of disputes) {
      const stored = this.disputes.get(tenantId, dispute.id);
      if (stored && stored.doc.revision >= revision) continue;
      const doc = { ...dispute, tenantId, revision };
      if (stored) this.disputes.replace(doc, stored.etag);
      else this.disputes.create(doc);
    }
    return Promise.resolve();
  }

  async resolvedIn(tenantId: string, window: Window): Promise<Dispute[]> {
    const resolved = this.disputes
      .all(tenantId)
      .map(({ doc }) => doc)
      .filter((d) => d.status !== "Open" && d.status !== "Withdrawn")
      .filter((d) => inWindow(d.resolvedAt, window));
    return Promise.resolve(resolved.map(({ tenantId: _t, revision: _r, ...dispute }) => dispute));
  }

  async list(tenantId: string, filter: DisputeFilter, page: PageRequest): Promise<Page<Dispute>> {
    return Promise.resolve(
      this.disputes.page(
        disputeListIdentity(tenantId, filter),
        (d) =>
          (filter.status === undefined || d.status === filter.status) &&
          (filter.sessionId === undefined || d.sessionId === filter.sessionId) &&
          (filter.agentId === undefined || d.agentId === filter.agentId) &&
          (filter.evaluatorId === undefined || d.evaluatorId === filter.evaluatorId),
        [
          { value: (d) => d.raisedAt, descending: true },
          { value: (d) => d.id, descending: true },
        ],
        page,
        ({ tenantId: _t, revision: _r, ...dispute }) => dispute,
      ),
    );
  }
}
