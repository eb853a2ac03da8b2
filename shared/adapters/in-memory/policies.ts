import { AppError } from "../../domain/errors.js";
import type { Operation } from "../../domain/operations.js";
import type { LastRun, Policy } from "../../domain/policies.js";
import type { OperationStore, Page, PageRequest, PolicyStore, Stored } from "../../ports.js";
import { operationListIdentity, policyListIdentity } from "../continuation.js";
import { MemoryCollection } from "./collection.js";

export class InMemoryPolicyStore implements PolicyStore {
  private readonly policies = new MemoryCollection<Policy>("policies");

  async get(tenantId: string, id: string): Promise<Stored<Policy> | undefined> {
    return Promise.resolve(this.policies.get(tenantId, id));
  }

  async create(policy: Policy): Promise<Stored<Policy>> {
    return Promise.resolve(this.policies.create(policy));
  }

  async replace(policy: Policy, etag: string): Promise<Stored<Policy>> {
    return Promise.resolve(this.policies.replace(policy, etag));
  }

  async setLastRun(tenantId: string, id: string, lastRun: LastRun, etag: string): Promise<void> {
    const current = this.policies.get(tenantId, id);
    if (!current) return Promise.reject(new AppError("NOT_FOUND", `Policy ${id} was not found.`));
    this.policies.replace({ ...current.doc, lastRun }, etag);
    return Promise.resolve();
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<Policy>> {
    return Promise.resolve(
      this.policies.page(
        policyListIdentity(tenantId),
        () => true,
        [{ value: (p) => p.name }, { value: (p) => p.id }],
        page,
        (p) => p,
      ),
    );
  }

  async enabled(limit: number): Promise<Policy[]> {
    const found = this.policies.all().filter(({ doc }) => doc.enabled);
    return Promise.resolve(found.slice(0, limit).map(({ doc }) => doc));
  }
}

export class InMemoryOperationStore implements OperationStore {
  private readonly operations = new MemoryCollection<Operation>("operations");

  async get(tenantId: string, id: string): Promise<Stored<Operation> | undefined> {
    return Promise.resolve(this.operations.get(tenantId, id));
  }

  async createIfAbsent(op: Operation): Promise<{ stored: Stored<Operation>; created: boolean }> {
    return Promise.resolve(this.operations.createOrGet(op));
  }

  async replace(op: Operation, etag: string): Promise<Stored<Operation>> {
    return Promise.resolve(this.operations.replace(op, etag));
  }

  async list(
    tenantId: string,
    filter: { policyId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<Operation>> {
    return Promise.resolve(
      this.operations.page(
        operationListIdentity(tenantId, filter),
        (op) => filter.policyId === undefined || op.policyId === filter.policyId,
        [
          { value: (op) => op.createdAt, descending: true },
          { value: (op) => op.id, descending: true },
        ],
        page,
        (op) => op,
      ),
    );
  }

  async stale(until: string, limit: number): Promise<Stored<Operation>[]> {
    const found = this.operations
      .all()
      .filter(({ doc }) => doc.status === "Running" && doc.updatedAt <= until);
    return Promise.resolve(found.slice(0, limit));
  }
}
