// The opaque continuation-token envelope shared by the Cosmos and in-memory stores. It wraps the
// store's inner token (Cosmos's own, or the last sort key in memory) together with a fingerprint
// of the tenant and the query, so a token only works for the query and tenant that issued it.
//
// The checksum is deliberately not a keyed MAC: it catches truncated, corrupted and hand-edited
// tokens, while tenant isolation never depends on the token at all, because every query filters
// `c.tenantId = @tenantId` in its own text (see docs/data-model.md).
import { z } from "zod";
import { AppError } from "../domain/errors.js";
import { derivedId } from "../ids.js";
import type { SkillGapQuery } from "../domain/analytics-reads.js";
import { byCodeUnit } from "../domain/records.js";
import type {
  ActionItemFilter,
  DisputeFilter,
  InteractionFilter,
  Page,
  PageRequest,
  SessionFilter,
} from "../ports.js";

const VERSION = 1;
/** Far above any real token (Cosmos caps its own at about 1 KB); refuses oversized input early. */
const MAX_TOKEN_LENGTH = 8192;

/** Which query a token belongs to: the tenant, a stable query name and its filter values. */
export interface QueryIdentity {
  tenantId: string;
  /** A stable name for the query's text and order, e.g. `sessions.list`. */
  query: string;
  /** The filter values that shape the result set; `undefined` members are ignored. */
  filter?: Readonly<Record<string, unknown>>;
}

const envelopeSchema = z.strictObject({
  v: z.literal(VERSION),
  f: z.string(),
  t: z.string(),
  c: z.string(),
});

const digest = (text: string, length: number): string => derivedId([text], length);

/** JSON with sorted object keys and `undefined` members dropped, so equal filters describe alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => byCodeUnit(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function fingerprintOf(identity: QueryIdentity): string {
  return digest(
    `${identity.tenantId}\n${identity.query}\n${canonicalJson(identity.filter ?? {})}`,
    22,
  );
}

function checksumOf(fingerprint: string, inner: string): string {
  return digest(`${VERSION}\n${fingerprint}\n${inner}`, 16);
}

export function invalidContinuationToken(message: string): AppError {
  return new AppError("VALIDATION_FAILED", "The continuation token is not valid.", [
    { path: "query.continuationToken", message },
  ]);
}

/** Wraps a store's inner token for the client. */
export function encodeContinuation(identity: QueryIdentity, inner: string): string {
  const f = fingerprintOf(identity);
  const envelope = { v: VERSION, f, t: inner, c: checksumOf(f, inner) };
  return Buffer.from(JSON.stringify(envelope), "utf8").toString("base64url");
}

/**
 * Unwraps a client's token into the store's inner token (`undefined` for a first page).
 * Throws VALIDATION_FAILED (path `query.continuationToken`) for a malformed or altered token,
 * or one issued for another query, filter or tenant.
 */
export function decodeContinuation(
  identity: QueryIdentity,
  token: string | undefined,
): string | undefined {
  if (token === undefined) return undefined;
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalidContinuationToken("is not a continuation token issued by this service");
  }
  const bytes = Buffer.from(token, "base64url");
  let raw: unknown;
  try {
    // Only the canonical encoding counts: base64url decoding ignores stray trailing characters.
    if (bytes.toString("base64url") !== token) throw new Error("non-canonical encoding");
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw invalidContinuationToken("is not a continuation token issued by this service");
  }
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success || parsed.data.c !== checksumOf(parsed.data.f, parsed.data.t)) {
    throw invalidContinuationToken("was altered or is not a continuation token of this service");
  }
  if (parsed.data.f !== fingerprintOf(identity)) {
    throw invalidContinuationToken(
      "belongs to another query, filter or tenant; start again without it",
    );
  }
  return parsed.data.t;
}

// ---------- keyset paging over a list sorted in memory ----------

/**
 * One page of `sorted` (ascending by `compare` on `keyOf`), resuming strictly after the key the
 * previous page's token carries, so rows inserted between pages neither repeat nor skip what was
 * already returned. The in-memory stores page this way, and so do reads computed whole in memory
 * (skill gaps).
 */
export function pageAfterKey<R, K>(
  identity: QueryIdentity,
  sorted: readonly R[],
  keyOf: (row: R) => K,
  keySchema: z.ZodType<K>,
  compare: (a: K, b: K) => number,
  request: PageRequest,
): Page<R> {
  const inner = decodeContinuation(identity, request.continuationToken);
  const after = inner === undefined ? undefined : parseKey(inner, keySchema);
  const start = after === undefined ? 0 : sorted.findIndex((row) => compare(keyOf(row), after) > 0);
  const from = start < 0 ? sorted.length : start;
  const items = sorted.slice(from, from + request.limit);
  const last = items.at(-1);
  return {
    items,
    continuationToken:
      last !== undefined && from + items.length < sorted.length
        ? encodeContinuation(identity, JSON.stringify(keyOf(last)))
        : null,
  };
}

/** The key inside a token whose envelope was sound; one that does not fit the list is 400. */
function parseKey<K>(inner: string, keySchema: z.ZodType<K>): K {
  let raw: unknown;
  try {
    raw = JSON.parse(inner);
  } catch {
    raw = undefined;
  }
  const parsed = keySchema.safeParse(raw);
  if (!parsed.success) {
    throw invalidContinuationToken("was refused by the data store; start again without it");
  }
  return parsed.data;
}

// ---------- the identities of the paged queries (shared so both adapters fingerprint alike) ----------

export function formListIdentity(tenantId: string): QueryIdentity {
  return { tenantId, query: "forms.list" };
}

export function interactionListIdentity(
  tenantId: string,
  filter: InteractionFilter,
  order: "newestFirst" | "oldestFree",
): QueryIdentity {
  return { tenantId, query: `interactions.list.${order}`, filter: { ...filter } };
}

/** `now` moves between the pages of one grid query, so it is not part of the identity. */
export function sessionListIdentity(tenantId: string, filter: SessionFilter): QueryIdentity {
  const { now: _now, ids, ...rest } = filter;
  return {
    tenantId,
    query: "sessions.list",
    filter: { ...rest, ids: ids ? [...ids].sort() : undefined },
  };
}

export function historyListIdentity(tenantId: string, sessionId: string): QueryIdentity {
  return { tenantId, query: "history.list", filter: { sessionId } };
}

export function disputeListIdentity(tenantId: string, filter: DisputeFilter): QueryIdentity {
  return { tenantId, query: "disputes.list", filter: { ...filter } };
}

export function actionItemListIdentity(tenantId: string, filter: ActionItemFilter): QueryIdentity {
  return { tenantId, query: "actionItems.list", filter: { ...filter } };
}

export function calibrationListIdentity(tenantId: string): QueryIdentity {
  return { tenantId, query: "calibrations.list" };
}

export function policyListIdentity(tenantId: string): QueryIdentity {
  return { tenantId, query: "policies.list" };
}

export function operationListIdentity(
  tenantId: string,
  filter: { policyId?: string | undefined },
): QueryIdentity {
  return { tenantId, query: "operations.list", filter: { ...filter } };
}

/** The query as asked (not the window it resolves to), so paging across midnight goes on. */
export function skillGapsIdentity(
  tenantId: string,
  query: SkillGapQuery & {
    from?: string | undefined;
    to?: string | undefined;
    formId?: string | undefined;
  },
): QueryIdentity {
  const { from, to, formId, minN, alpha, correction } = query;
  return {
    tenantId,
    query: "analytics.skillGaps",
    filter: { from, to, formId, minN, alpha, correction },
  };
}
