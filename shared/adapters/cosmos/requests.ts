// One place where the stores talk to a Cosmos container: it counts every SDK call, maps Cosmos
// status codes to the error taxonomy, and turns stored documents back into parsed domain values.
import type {
  Container,
  FeedOptions,
  PatchOperation,
  SqlParameter,
  SqlQuerySpec,
} from "@azure/cosmos";
import { z } from "zod";
import { DEFAULT_RETRY_AFTER_SECONDS } from "../../config.js";
import { AppError, isCode } from "../../domain/errors.js";
import { DependencyUnavailableError, isTransientDependencyError } from "../../dependency-errors.js";
import type { Stored } from "../../ports.js";
import {
  decodeContinuation,
  encodeContinuation,
  invalidContinuationToken,
  type QueryIdentity,
} from "../continuation.js";
import type { ContainerName } from "./containers.js";

export type CosmosOperation = "read" | "create" | "replace" | "patch" | "delete" | "query";

/** One SDK call made by a store (what the call-count tests and the benchmark count). */
export interface CosmosRequestEvent {
  container: ContainerName;
  operation: CosmosOperation;
  /** For queries: false when the tenant's partition-key prefix was given to the SDK. */
  crossPartition: boolean;
}

export interface CosmosStoreOptions {
  /** Called once per SDK call, before it is made. */
  onRequest?: ((event: CosmosRequestEvent) => void) | undefined;
  /** The Retry-After advertised when Cosmos still throttles or fails after the SDK's retries. */
  retryAfterSeconds?: number | undefined;
  /**
   * Retries of a read that met 503/408 or a timeout (DEPENDENCY_MAX_RETRIES). The SDK retries
   * those only by failing over to another region, so a single-region account gets none; 429 is
   * the SDK's own (retryOptions). Writes are not retried here: their outcome is unknown, and
   * the client's retry is safe (If-Match).
   */
  maxRetries?: number | undefined;
}

/** The HTTP status of a Cosmos SDK error (`code` on ErrorResponse, sometimes `statusCode`). */
export function cosmosStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === "number") return code;
  if (typeof statusCode === "number") return statusCode;
  return undefined;
}

const transientStatuses = new Set([408, 429, 449, 500, 502, 503, 504]);

function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "TimeoutError" || (error as { code?: unknown }).code === "TimeoutError")
  );
}

/** Throttling, unavailability and timeouts that outlived the SDK's retries become a 503. */
export function toDependencyError(error: unknown, retryAfterSeconds: number): unknown {
  const status = cosmosStatusOf(error);
  // Cosmos puts the HTTP status in `code`, which the generic check (statusCode) does not read.
  const transient = status !== undefined && transientStatuses.has(status);
  if (transient || isTransientDependencyError(error) || isTimeout(error)) {
    return new DependencyUnavailableError("cosmos", retryAfterSeconds, { cause: error });
  }
  return error;
}

const etagSchema = z.object({ _etag: z.string().min(1) });

export interface QueryPage {
  resources: unknown[];
  continuationToken: string | null;
}

/** The calls a store makes on one container. Every method is exactly one SDK call. */
export class CosmosContainer {
  private readonly retryAfterSeconds: number;

  constructor(
    private readonly container: Container,
    readonly name: ContainerName,
    private readonly options: CosmosStoreOptions = {},
  ) {
    this.retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  }

  private async call<T>(
    operation: CosmosOperation,
    crossPartition: boolean,
    run: () => Promise<T>,
    retryable = false,
  ): Promise<T> {
    const retries = retryable ? (this.options.maxRetries ?? 0) : 0;
    for (let attempt = 0; ; attempt++) {
      this.options.onRequest?.({ container: this.name, operation, crossPartition });
      try {
        return await run();
      } catch (error) {
        if (attempt < retries && isUnavailable(error)) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
          continue;
        }
        throw toDependencyError(error, this.retryAfterSeconds);
      }
    }
  }

  /** Point read by the full hierarchical key; `undefined` when it does not exist. */
  async read(tenantId: string, id: string): Promise<unknown> {
    const response = await this.call(
      "read",
      false,
      () => this.container.item(id, [tenantId, id]).read<Record<string, unknown>>(),
      true,
    );
    if (response.statusCode === 404) return undefined;
    return response.resource;
  }

  /** Creates the document; an existing id → CONFLICT. */
  async create(doc: { tenantId: string; id: string }): Promise<unknown> {
    try {
      const response = await this.call("create", false, () => this.container.items.create(doc));
      return response.resource;
    } catch (error) {
      if (cosmosStatusOf(error) === 409) {
        throw new AppError("CONFLICT", `A document with id ${doc.id} already exists.`);
      }
      if (cosmosStatusOf(error) === 413) throw tooLarge(doc.id);
      throw error;
    }
  }

  /**
   * Creates the document, or reads the one that has its id (`created: false`): what makes a
   * create with a derived id idempotent. One whose create has not landed yet → CONFLICT.
   */
  async createOrRead(
    doc: { tenantId: string; id: string },
    what: string,
  ): Promise<{ resource: unknown; created: boolean }> {
    try {
      return { resource: await this.create(doc), created: true };
    } catch (error) {
      if (!isCode(error, "CONFLICT")) throw error;
    }
    const existing = await this.read(doc.tenantId, doc.id);
    if (existing === undefined) {
      throw new AppError("CONFLICT", `${what} ${doc.id} is being written; retry.`);
    }
    return { resource: existing, created: false };
  }

  /** Replaces the document if it is still at `etag`; else PRECONDITION_FAILED (or NOT_FOUND). */
  async replace(doc: { tenantId: string; id: string }, etag: string): Promise<unknown> {
    try {
      const response = await this.call("replace", false, () =>
        this.container
          .item(doc.id, [doc.tenantId, doc.id])
          .replace(doc, { accessCondition: { type: "IfMatch", condition: etag } }),
      );
      return response.resource;
    } catch (error) {
      throw writeError(error, doc.id);
    }
  }

  /** Patches the document if it is still at `etag`; else PRECONDITION_FAILED (or NOT_FOUND). */
  async patch(
    tenantId: string,
    id: string,
    operations: PatchOperation[],
    etag: string,
  ): Promise<unknown> {
    try {
      const response = await this.call("patch", false, () =>
        this.container
          .item(id, [tenantId, id])
          .patch(operations, { accessCondition: { type: "IfMatch", condition: etag } }),
      );
      return response.resource;
    } catch (error) {
      throw writeError(error, id);
    }
  }

  /** Deletes the document; false when it did not exist. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    try {
      await this.call("delete", false, () => this.container.item(id, [tenantId, id]).delete());
      return true;
    } catch (error) {
      if (cosmosStatusOf(error) === 404) return false;
      throw error;
    }
  }

  /**
   * One page of a single-tenant query: the tenant's partition-key prefix goes to the SDK so
   * Azure routes it to that tenant's partitions only; the query text filters the tenant too.
   */
  async queryPage(
    spec: SqlQuerySpec,
    identity: QueryIdentity,
    page: { limit: number; continuationToken?: string | undefined },
  ): Promise<QueryPage> {
    const inner = decodeContinuation(identity, page.continuationToken);
    const options: FeedOptions = {
      partitionKey: [identity.tenantId],
      maxItemCount: page.limit,
      ...(inner === undefined ? {} : { continuationToken: inner }),
    };
    try {
      // A fresh iterator per try, so a retry repeats exactly this page.
      const response = await this.call(
        "query",
        false,
        () => this.container.items.query<unknown>(spec, options).fetchNext(),
        true,
      );
      const next = response.hasMoreResults ? response.continuationToken : undefined;
      return {
        resources: response.resources,
        continuationToken: next ? encodeContinuation(identity, next) : null,
      };
    } catch (error) {
      // A token that passed the envelope's checks but that Cosmos (or the SDK parsing it)
      // refuses was forged or outlived a change of the query: the client's fault, not ours.
      if (inner !== undefined && isRefusedToken(error)) {
        throw invalidContinuationToken("was refused by the data store; start again without it");
      }
      throw error;
    }
  }

  /** Every result of a single-tenant query (one call per page of `maxItemCount`). */
  async queryAll(spec: SqlQuerySpec, tenantId: string, maxItemCount?: number): Promise<unknown[]> {
    const iterator = this.container.items.query<unknown>(spec, {
      partitionKey: [tenantId],
      ...(maxItemCount !== undefined ? { maxItemCount } : {}),
    });
    const results: unknown[] = [];
    while (iterator.hasMoreResults()) {
      const response = await this.call("query", false, () => iterator.fetchNext());
      results.push(...response.resources);
    }
    return results;
  }

  /** The one cross-partition (cross-tenant) query: pages until `limit` results or the end. */
  async queryAcrossTenants(spec: SqlQuerySpec, limit: number): Promise<unknown[]> {
    const iterator = this.container.items.query<unknown>(spec, { maxItemCount: limit });
    const results: unknown[] = [];
    while (results.length < limit && iterator.hasMoreResults()) {
      const response = await this.call("query", true, () => iterator.fetchNext());
      results.push(...response.resources);
    }
    return results.slice(0, limit);
  }
}

/** Unavailable or timed out (not throttled: the SDK already retried 429 as configured). */
function isUnavailable(error: unknown): boolean {
  const status = cosmosStatusOf(error);
  return status === 503 || status === 408 || isTimeout(error);
}

function writeError(error: unknown, id: string): unknown {
  switch (cosmosStatusOf(error)) {
    case 412:
      return new AppError(
        "PRECONDITION_FAILED",
        `Document ${id} was changed by someone else; reload it and retry.`,
      );
    case 404:
      return new AppError("NOT_FOUND", `Document ${id} was not found.`);
    case 413:
      return tooLarge(id);
    default:
      return error;
  }
}

/** Cosmos keeps documents up to 2 MB: a write that would pass it is the caller's to shrink. */
const tooLarge = (id: string) =>
  new AppError(
    "PAYLOAD_TOO_LARGE",
    `Document ${id} would exceed the 2 MB the store keeps per document; shorten the content.`,
  );

function isRefusedToken(error: unknown): boolean {
  if (error instanceof DependencyUnavailableError) return false;
  const status = cosmosStatusOf(error);
  if (status === 400) return true;
  // The SDK parses some tokens itself (cross-partition ORDER BY) and throws plain errors.
  return status === undefined && (error instanceof SyntaxError || error instanceof TypeError);
}

/**
 * One tenant's documents whose `fields` equal the filter's values (those given), newest first:
 * the lists ordered by (`sortField`, id) descending, which their composite index serves.
 */
export function newestFirst<F extends string>(
  tenantId: string,
  fields: readonly F[],
  filter: Readonly<Partial<Record<F, string>>>,
  sortField: "createdAt" | "raisedAt" = "createdAt",
): SqlQuerySpec {
  const where = ["c.tenantId = @tenantId"];
  const parameters: SqlParameter[] = [{ name: "@tenantId", value: tenantId }];
  for (const field of fields) {
    const value = filter[field];
    if (value === undefined) continue;
    where.push(`c.${field} = @${field}`);
    parameters.push({ name: `@${field}`, value });
  }
  const order = `ORDER BY c.tenantId, c.${sortField} DESC, c.id DESC`;
  return { query: `SELECT * FROM c WHERE ${where.join(" AND ")} ${order}`, parameters };
}

/** Parses a stored document (system fields dropped by the schema) and keeps its `_etag`. */
export function toStored<T>(schema: z.ZodType<T>, resource: unknown): Stored<T> {
  return { doc: schema.parse(resource), etag: etagSchema.parse(resource)._etag };
}
