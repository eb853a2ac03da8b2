// The in-memory twin of one Cosmos container: documents keyed by (tenantId, id), a fresh etag on
// every write, 409/412 as AppErrors, deeply frozen documents, and keyset paging behind the same
// continuation-token envelope as Cosmos.
import { z } from "zod";
import { AppError } from "../../domain/errors.js";
import type { Page, PageRequest, Stored } from "../../ports.js";
import { pageAfterKey, type QueryIdentity } from "../continuation.js";

type KeyValue = string | number | boolean | null;

/** One ORDER BY term: the value it sorts on and its direction. */
export interface SortTerm<T> {
  value: (doc: T) => KeyValue;
  descending?: boolean;
}

let etagCounter = 0;
function nextEtag(): string {
  etagCounter += 1;
  return `"mem-${etagCounter.toString(36)}-${Math.random().toString(36).slice(2, 10)}"`;
}

// Cosmos orders null before booleans before numbers before strings; mirror it for mixed values.
const typeRank = (v: KeyValue): number =>
  v === null ? 0 : typeof v === "boolean" ? 1 : typeof v === "number" ? 2 : 3;

function compareValues(a: KeyValue, b: KeyValue): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return rank;
  if (a === b || a === null || b === null) return 0;
  return a < b ? -1 : 1;
}

const keySchema = z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]));

/**
 * Freezes `value` and everything reachable from it. A frozen object is taken to be frozen
 * throughout (this is the only place that freezes stored data), so the parts a new version
 * shares with the one it was made from, like a session's form snapshots, are not walked again.
 */
function deepFreeze<V>(value: V): V {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

export class MemoryCollection<T extends { tenantId: string; id: string }> {
  private readonly docs = new Map<string, { doc: T; etag: string }>();

  constructor(private readonly label: string) {}

  private static key(tenantId: string, id: string): string {
    return `${tenantId}\u0000${id}`;
  }

  /** Stored documents are frozen, so they are handed out as they are: nobody can change them. */
  private out(entry: { doc: T; etag: string }): Stored<T> {
    return { doc: entry.doc, etag: entry.etag };
  }

  /**
   * The document as the store keeps it: the object given, frozen (the store takes it over),
   * with the parts it shares with the previous version left shared. The domain builds new
   * versions instead of changing old ones; a change in place would throw (strict mode) and fail
   * a test, where a copy would have hidden it.
   */
  private stored(doc: T): { doc: T; etag: string } {
    return { doc: deepFreeze(doc), etag: nextEtag() };
  }

  get(tenantId: string, id: string): Stored<T> | undefined {
    const entry = this.docs.get(MemoryCollection.key(tenantId, id));
    return entry ? this.out(entry) : undefined;
  }

  create(doc: T): Stored<T> {
    const key = MemoryCollection.key(doc.tenantId, doc.id);
    if (this.docs.has(key)) {
      throw new AppError("CONFLICT", `A document with id ${doc.id} already exists.`);
    }
    const entry = this.stored(doc);
    this.docs.set(key, entry);
    return this.out(entry);
  }

  /** Creates the document, or hands back the one that has its id (`created: false`). */
  createOrGet(doc: T): { stored: Stored<T>; created: boolean } {
    const existing = this.get(doc.tenantId, doc.id);
    return existing
      ? { stored: existing, created: false }
      : { stored: this.create(doc), created: true };
  }

  replace(doc: T, etag: string): Stored<T> {
    const key = MemoryCollection.key(doc.tenantId, doc.id);
    const current = this.docs.get(key);
    if (!current) throw new AppError("NOT_FOUND", `Document ${doc.id} was not found.`);
    if (current.etag !== etag) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `Document ${doc.id} was changed by someone else; reload it and retry.`,
      );
    }
    const entry = this.stored(doc);
    this.docs.set(key, entry);
    return this.out(entry);
  }

  /** Removes the document; false when there was none. */
  delete(tenantId: string, id: string): boolean {
    return this.docs.delete(MemoryCollection.key(tenantId, id));
  }

  /** Every document of one tenant (or of all tenants). */
  all(tenantId?: string): Stored<T>[] {
    const result: Stored<T>[] = [];
    for (const entry of this.docs.values()) {
      if (tenantId === undefined || entry.doc.tenantId === tenantId) result.push(this.out(entry));
    }
    return result;
  }

  /**
   * One page of `matches` in `order`, resuming strictly after the last key of the previous page
   * (so inserts between pages neither repeat nor skip what was already returned).
   */
  page<R>(
    identity: QueryIdentity,
    matches: (doc: T) => boolean,
    order: readonly SortTerm<T>[],
    request: PageRequest,
    project: (doc: T) => R,
  ): Page<R> {
    const keyOf = (doc: T): KeyValue[] => order.map((term) => term.value(doc));
    const compareKeys = (a: readonly KeyValue[], b: readonly KeyValue[]): number => {
      for (const [i, term] of order.entries()) {
        const r = compareValues(a[i] ?? null, b[i] ?? null);
        if (r !== 0) return term.descending ? -r : r;
      }
      return 0;
    };
    // Filter and sort the stored documents as they are; only the page's items are projected.
    const sorted = [...this.docs.values()]
      .filter((entry) => entry.doc.tenantId === identity.tenantId && matches(entry.doc))
      .map((entry) => ({ entry, key: keyOf(entry.doc) }))
      .sort((a, b) => compareKeys(a.key, b.key));
    const page = pageAfterKey(
      identity,
      sorted,
      (item) => item.key,
      keySchema.length(order.length),
      compareKeys,
      request,
    );
    return {
      items: page.items.map((item) => project(this.out(item.entry).doc)),
      continuationToken: page.continuationToken,
    };
  }

  toString(): string {
    return `MemoryCollection(${this.label})`;
  }
}
