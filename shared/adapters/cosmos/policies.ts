// Policies and the operations of their runs (docs/data-model.md "Policies and operations").
import type { Container } from "@azure/cosmos";
import { isValidId } from "../../domain/ids.js";
import { operationSchema, type Operation } from "../../domain/operations.js";
import { policySchema, type LastRun, type Policy } from "../../domain/policies.js";
import type * as ports from "../../ports.js";
import { operationListIdentity, policyListIdentity } from "../continuation.js";
import { containerNames } from "./containers.js";
import { CosmosContainer, newestFirst, toStored, type CosmosStoreOptions } from "./requests.js";

export class CosmosPolicyStore implements ports.PolicyStore {
  private readonly policies: CosmosContainer;

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.policies = new CosmosContainer(container, containerNames.policies, options);
  }

  async get(tenantId: string, id: string): Promise<ports.Stored<Policy> | undefined> {
    if (!isValidId(id)) return undefined;
    const resource = await this.policies.read(tenantId, id);
    return resource === undefined ? undefined : toStored(policySchema, resource);
  }

  async create(policy: Policy): Promise<ports.Stored<Policy>> {
    return toStored(policySchema, await this.policies.create(policy));
  }

  async replace(policy: Policy, etag: string): Promise<ports.Stored<Policy>> {
    return toStored(policySchema, await this.policies.replace(policy, etag));
  }

  async setLastRun(tenantId: string, id: string, lastRun: LastRun, etag: string): Promise<void> {
    await this.policies.patch(
      tenantId,
      id,
      [{ op: "set", path: "/lastRun", value: lastRun }],
      etag,
    );
  }

  async list(tenantId: string, page: ports.PageRequest): Promise<ports.Page<Policy>> {
    const result = await this.policies.queryPage(
      {
        query: "SELECT * FROM c WHERE c.tenantId = @tenantId ORDER BY c.tenantId, c.name, c.id",
        parameters: [{ name: "@tenantId", value: tenantId }],
      },
      policyListIdentity(tenantId),
      page,
    );
    return {
      items: result.resources.map((r) => policySchema.parse(r)),
      continuationToken: result.continuationToken,
    };
  }

  async enabled(limit: number): Promise<Policy[]> {
    const resources = await this.policies.queryAcrossTenants(
      { query: "SELECT * FROM c WHERE c.enabled = true" },
      limit,
    );
    return resources.map((r) => policySchema.parse(r));
  }
}

export class CosmosOperationStore implements ports.OperationStore {
  private readonly operations: CosmosContainer;

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.operations = new CosmosContainer(container, containerNames.operations, options);
  }

  async get(tenantId: string, id: string): Promise<ports.Stored<Operation> | undefined> {
    if (!isValidId(id)) return undefined;
    const resource = await this.operations.read(tenantId, id);
    return resource === undefined ? undefined : toStored(operationSchema, resource);
  }

  async createIfAbsent(
    op: Operation,
  ): Promise<{ stored: ports.Stored<Operation>; created: boolean }> {
    const { resource, created } = await this.operations.createOrRead(op, "Operation");
    return { stored: toStored(operationSchema, resource), created };
  }

  async replace(op: Operation, etag: string): Promise<ports.Stored<Operation>> {
    return toStored(operationSchema, await this.operations.replace(op, etag));
  }

  async list(
    tenantId: string,
    filter: { policyId?: string | undefined },
    page: ports.PageRequest,
  ): Promise<ports.Page<Operation>> {
    const result = await this.operations.queryPage(
      newestFirst(tenantId, ["policyId"], filter),
      operationListIdentity(tenantId, filter),
      page,
    );
    return {
      items: result.resources.map((r) => operationSchema.parse(r)),
      continuationToken: result.continuationToken,
    };
  }

  async stale(until: string, limit: number): Promise<ports.Stored<Operation>[]> {
    const resources = await this.operations.queryAcrossTenants(
      {
        query: "SELECT * FROM c WHERE c.status = 'Running' AND c.updatedAt <= @until",
        parameters: [{ name: "@until", value: until }],
      },
      limit,
    );
    return resources.map((r) => toStored(operationSchema, r));
  }
}
