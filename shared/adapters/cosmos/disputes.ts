// The disputes projection: one document per dispute, replaced only by a later session revision,
// so two outbox moves racing never put an older state back.
import type { Container } from "@azure/cosmos";
import { z } from "zod";
import { isCode } from "../../domain/errors.js";
import type { Window } from "../../domain/analytics-window.js";
import { disputeSchema, type Dispute } from "../../domain/model.js";
import type { DisputeFilter, DisputeStore, Page, PageRequest } from "../../ports.js";
import { disputeListIdentity } from "../continuation.js";
import { containerNames } from "./containers.js";
import { CosmosContainer, newestFirst, toStored, type CosmosStoreOptions } from "./requests.js";

const projectedSchema = disputeSchema.extend({ revision: z.number().int() });

export class CosmosDisputeStore implements DisputeStore {
  private readonly disputes: CosmosContainer;

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.disputes = new CosmosContainer(container, containerNames.disputes, options);
  }

  async project(tenantId: string, disputes: readonly Dispute[], revision: number) {
    for (const dispute of disputes) {
      const doc = { ...dispute, tenantId, revision };
      const resource = await this.disputes.read(tenantId, dispute.id);
      try {
        if (resource === undefined) {
          await this.disputes.create(doc);
          continue;
        }
        const stored = toStored(projectedSchema, resource);
        if (stored.doc.revision < revision) await this.disputes.replace(doc, stored.etag);
      } catch (error) {
        // Another move wrote it meanwhile; it carries this revision or a later one.
        if (!isCode(error, "CONFLICT", "PRECONDITION_FAILED")) throw error;
      }
    }
  }

  async resolvedIn(tenantId: string, window: Window): Promise<Dispute[]> {
    const resources = await this.disputes.queryAll(
      {
        query:
          "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.resolvedAt >= @from " +
          "AND c.resolvedAt < @to AND c.status != 'Withdrawn'",
        parameters: [
          { name: "@tenantId", value: tenantId },
          { name: "@from", value: window.from },
          { name: "@to", value: window.to },
        ],
      },
      tenantId,
    );
    return z.array(disputeSchema).parse(resources);
  }

  async list(tenantId: string, filter: DisputeFilter, page: PageRequest): Promise<Page<Dispute>> {
    const fields = ["status", "sessionId", "agentId", "evaluatorId"] as const;
    const result = await this.disputes.queryPage(
      newestFirst(tenantId, fields, filter, "raisedAt"),
      disputeListIdentity(tenantId, filter),
      page,
    );
    return {
      items: result.resources.map((r) => disputeSchema.parse(r)),
      continuationToken: result.continuationToken,
    };
  }
}
