// The interfaces the domain and the handlers need from the outside world. Adapters under
// shared/adapters implement them; in-memory adapters back the unit tests.
import type {
  ActionItem,
  Channel,
  CloudEvent,
  DisplayStatus,
  Dispute,
  DisputeStatus,
  Form,
  HistoryEntry,
  Hold,
  Interaction,
  SessionDocument,
  SessionType,
  VersionSnapshot,
} from "./domain/model.js";
import type { Actor } from "./domain/access.js";
import type { Operation } from "./domain/operations.js";
import type {
  AnalyticsBucket,
  AnalyticsDocument,
  BucketSums,
  FormCatalog,
} from "./domain/analytics.js";
import type { OutboxDone } from "./domain/outbox.js";
import type { Window } from "./domain/analytics-window.js";
import type { Calibration, CalibrationSession } from "./domain/calibration.js";
import type { LastRun, Policy } from "./domain/policies.js";

/** The only source of "now" (tests and property tests drive time through it). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A named reachability check for GET /api/health. Resolves when the dependency answers. */
export type HealthCheck = () => Promise<void>;

/**
 * Verifies a request's `Authorization` header and returns the caller; throws AppError
 * UNAUTHENTICATED for a missing or invalid token, DependencyUnavailableError when the keys
 * cannot be fetched.
 */
export type TokenVerifier = (authorization: string | null) => Promise<Actor>;

/**
 * Runs work after the response (in Azure the instance keeps running it; a crash or recycle
 * loses it, and the outbox sweep does it later). Tasks never reject: they log their failures.
 */
export interface Background {
  run(task: () => Promise<void>): void;
}

/** Where use cases report what nobody waits for (an invocation's log in Azure). */
export interface Logger {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

// ---------- stores ----------

/** A stored document with the store's own concurrency token (Cosmos `_etag`). */
export interface Stored<T> {
  doc: T;
  etag: string;
}

export interface PageRequest {
  limit: number;
  /** Opaque token from a previous page of the same query and tenant (400 when tampered with). */
  continuationToken?: string | undefined;
}

export interface Page<T> {
  items: T[];
  continuationToken: string | null;
}

/**
 * Store errors use the domain taxonomy: create of an existing id → AppError CONFLICT; a write
 * whose `etag` is no longer current → AppError PRECONDITION_FAILED; a bad continuation token →
 * AppError VALIDATION_FAILED (path `query.continuationToken`); a dependency still failing after
 * retries → DependencyUnavailableError. Every query filters `tenantId` in its text.
 */
export interface FormStore {
  get(tenantId: string, id: string): Promise<Stored<Form> | undefined>;
  create(form: Form): Promise<Stored<Form>>;
  replace(form: Form, etag: string): Promise<Stored<Form>>;
  /** Ordered by name, then id. */
  list(tenantId: string, page: PageRequest): Promise<Page<Form>>;
}

/**
 * Dates here and in SessionFilter are compared as strings (in Cosmos and in memory), so they
 * must be UTC `toISOString()` values, like every stored date. `from` and `to` are inclusive.
 */
export interface InteractionFilter {
  agentId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  evaluated?: boolean | undefined;
  channel?: Channel | undefined;
  minDurationSeconds?: number | undefined;
}

export interface InteractionStore {
  get(tenantId: string, id: string): Promise<Interaction | undefined>;
  /** Creates it, or returns the existing one with the same id (`created: false`). */
  createIfAbsent(interaction: Interaction): Promise<{ interaction: Interaction; created: boolean }>;
  /** Ordered by startedAt descending, then id. */
  list(tenantId: string, filter: InteractionFilter, page: PageRequest): Promise<Page<Interaction>>;
  /** With the store's concurrency token, for a conditional setHold. */
  getStored(tenantId: string, id: string): Promise<Stored<Interaction> | undefined>;
  /**
   * Free interactions (no hold, not tagged Evaluated) matching `filter`, oldest first (startedAt,
   * then id), at most `limit`: the criteria pick's one indexed query.
   */
  listFree(
    tenantId: string,
    filter: InteractionFilter,
    limit: number,
  ): Promise<Stored<Interaction>[]>;
  /**
   * Sets (or clears) the hold when the interaction is still at `etag`; AppError
   * PRECONDITION_FAILED when another writer changed it first.
   */
  setHold(
    tenantId: string,
    id: string,
    hold: Hold | null,
    etag: string,
  ): Promise<Stored<Interaction>>;
  /** Idempotent: adding a tag it already has changes nothing. */
  addTag(tenantId: string, id: string, tag: string): Promise<void>;
  /**
   * A policy run's pool, every page: the interactions matching `filter` that are not tagged
   * Evaluated and are free or held by a session whose id starts with `filter.heldBy`.
   */
  listPool(tenantId: string, filter: PoolFilter): Promise<Stored<Interaction>[]>;
}

/** A policy pool: `from` and `to` inclusive, like InteractionFilter's. */
export interface PoolFilter {
  from: string;
  to: string;
  agentIds?: readonly string[] | undefined;
  channel?: Channel | undefined;
  minDurationSeconds?: number | undefined;
  /** The id prefix of the run's own slots (policy and period), whose holds it may retake. */
  heldBy: string;
}

export interface SessionFilter {
  status?: DisplayStatus | undefined;
  type?: SessionType | undefined;
  evaluatorId?: string | undefined;
  agentId?: string | undefined;
  calibrationId?: string | undefined;
  policyId?: string | undefined;
  /** `false` (default) hides archived sessions; `true` shows only them; `all` both. */
  archived: boolean | "all";
  dueBefore?: string | undefined;
  /** Evaluator's view: sessions assigned to this user, or Unassigned ones. */
  visibleToEvaluator?: string | undefined;
  /** Agent's view: only these session ids. */
  ids?: readonly string[] | undefined;
  /** "now", for the derived Expired status. */
  now: string;
}

/** What the grid shows of a session (no answers, no form bodies). */
export type SessionSummaryRecord = Pick<
  SessionDocument,
  | "id"
  | "name"
  | "type"
  | "state"
  | "archived"
  | "evaluatorId"
  | "agentId"
  | "dueDate"
  | "lastEditedAt"
  | "showScore"
> & { tenantId?: string; interaction: { id: string; externalId: string }; score: number | null };

export interface SessionStore {
  get(tenantId: string, id: string): Promise<Stored<SessionDocument> | undefined>;
  create(session: SessionDocument): Promise<Stored<SessionDocument>>;
  replace(session: SessionDocument, etag: string): Promise<Stored<SessionDocument>>;
  /** The grid: ordered by dueDate, then id; one single-tenant query per page. */
  list(
    tenantId: string,
    filter: SessionFilter,
    page: PageRequest,
  ): Promise<Page<SessionSummaryRecord>>;
  /**
   * Sessions whose outbox still has events: the one cross-tenant query. A stored document that
   * no longer parses is reported in `unreadable`, never allowed to stop the sweep of the rest.
   */
  withPendingEvents(limit: number): Promise<PendingSweep>;
  /**
   * Removes what was moved out of the outbox (events sent, history entries and version snapshots
   * stored) when the document is still at `etag`, without touching `revision`; returns false
   * when the document changed meanwhile (its own write carries, and will clear, what is left).
   */
  clearOutbox(tenantId: string, id: string, done: OutboxDone, etag: string): Promise<boolean>;
  /** Every session a policy created for a period (`selection.period`), archived ones too. */
  policySessions(tenantId: string, policyId: string, period: string): Promise<PolicySlot[]>;
  /**
   * Open sessions (not Completed, not archived, due at or after `now`) of each of the given
   * evaluators; one that has none is absent.
   */
  openByEvaluator(
    tenantId: string,
    evaluatorIds: readonly string[],
    now: string,
  ): Promise<Map<string, number>>;
}

/** A calibration session's state, for counting participants without reading answers. */
export type CalibrationSessionState = Pick<
  CalibrationSession,
  "calibrationId" | "state" | "archived"
>;

export interface CalibrationStore {
  get(tenantId: string, id: string): Promise<Stored<Calibration> | undefined>;
  /** Creates it, or returns the existing one with the same id (`created: false`). */
  createIfAbsent(
    calibration: Calibration,
  ): Promise<{ stored: Stored<Calibration>; created: boolean }>;
  replace(calibration: Calibration, etag: string): Promise<Stored<Calibration>>;
  /** Newest first: createdAt descending, then id descending. */
  list(tenantId: string, page: PageRequest): Promise<Page<Calibration>>;
  /** Every session of the calibration, archived ones too, in no order: one query. */
  sessionsOf(tenantId: string, calibrationId: string): Promise<CalibrationSession[]>;
  /** The states of every session of these calibrations: one query. */
  statesOf(tenantId: string, calibrationIds: readonly string[]): Promise<CalibrationSessionState[]>;
  /** Calibration sessions first completed in [from, to): one query. */
  completedIn(tenantId: string, window: Window): Promise<CalibrationSession[]>;
}

/** What a policy run reads of the sessions it already created. */
export interface PolicySlot {
  id: string;
  agentId: string;
}

export interface PendingSweep {
  sessions: Stored<SessionDocument>[];
  unreadable: { tenantId: string; id: string; reason: string }[];
}

/** The history entries the outbox moved out of sessions (docs/data-model.md "History"). */
export interface HistoryStore {
  /** Stores entries not stored yet; one already stored (same session and revision) stays. */
  add(tenantId: string, sessionId: string, entries: readonly HistoryEntry[]): Promise<void>;
  /** Newest revision first. */
  list(tenantId: string, sessionId: string, page: PageRequest): Promise<Page<HistoryEntry>>;
}

/** The version snapshots the outbox moved out of sessions. */
export interface VersionStore {
  /** Stores snapshots not stored yet; one already stored (same session and version) stays. */
  add(tenantId: string, sessionId: string, versions: readonly VersionSnapshot[]): Promise<void>;
  /** Every version of the session, newest first (a session has a handful). */
  list(tenantId: string, sessionId: string): Promise<VersionSnapshot[]>;
  get(tenantId: string, sessionId: string, version: number): Promise<VersionSnapshot | undefined>;
}

export interface DisputeFilter {
  status?: DisputeStatus | undefined;
  sessionId?: string | undefined;
  agentId?: string | undefined;
  evaluatorId?: string | undefined;
}

/**
 * The list of disputes: a projection of the disputes that live in sessions, kept by the outbox
 * (it may lag its session by moments; a dispute is read from its session).
 */
export interface DisputeStore {
  /** Stores the disputes as of session revision `revision`, unless a later one is stored. */
  project(tenantId: string, disputes: readonly Dispute[], revision: number): Promise<void>;
  /** Newest raisedAt first, then id. */
  list(tenantId: string, filter: DisputeFilter, page: PageRequest): Promise<Page<Dispute>>;
  /** The disputes resolved (not withdrawn) in [from, to): one query, a row per dispute. */
  resolvedIn(tenantId: string, window: Window): Promise<Dispute[]>;
}

export interface ActionItemFilter {
  agentId?: string | undefined;
  evaluatorId?: string | undefined;
  sessionId?: string | undefined;
  status?: ActionItem["status"] | undefined;
}

export interface ActionItemStore {
  get(tenantId: string, id: string): Promise<Stored<ActionItem> | undefined>;
  /** Creates it, or returns the existing one with the same id (`created: false`). */
  createIfAbsent(item: ActionItem): Promise<{ stored: Stored<ActionItem>; created: boolean }>;
  replace(item: ActionItem, etag: string): Promise<Stored<ActionItem>>;
  /** Ordered by createdAt descending, then id. */
  list(tenantId: string, filter: ActionItemFilter, page: PageRequest): Promise<Page<ActionItem>>;
}

/** Evaluation policies (docs/api.md "Policies"). */
export interface PolicyStore {
  get(tenantId: string, id: string): Promise<Stored<Policy> | undefined>;
  create(policy: Policy): Promise<Stored<Policy>>;
  replace(policy: Policy, etag: string): Promise<Stored<Policy>>;
  /** Sets `lastRun` when the policy is still at `etag` (PRECONDITION_FAILED otherwise). */
  setLastRun(tenantId: string, id: string, lastRun: LastRun, etag: string): Promise<void>;
  /** Ordered by name, then id. */
  list(tenantId: string, page: PageRequest): Promise<Page<Policy>>;
  /** Enabled policies of every tenant, for the timer (cross-tenant), at most `limit`. */
  enabled(limit: number): Promise<Policy[]>;
}

export interface OperationStore {
  get(tenantId: string, id: string): Promise<Stored<Operation> | undefined>;
  /** Creates it, or returns the existing one with the same id (`created: false`). */
  createIfAbsent(op: Operation): Promise<{ stored: Stored<Operation>; created: boolean }>;
  replace(op: Operation, etag: string): Promise<Stored<Operation>>;
  /** Newest first (createdAt, then id), optionally one policy's. */
  list(
    tenantId: string,
    filter: { policyId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<Operation>>;
  /** Running operations of every tenant last written at or before `until` (cross-tenant). */
  stale(until: string, limit: number): Promise<Stored<Operation>[]>;
}

/** Which analytics buckets a read needs: a range of months, one level, perhaps one agent. */
export interface BucketQuery {
  /** `YYYY-MM`, both inclusive. */
  fromMonth: string;
  toMonth: string;
  agentId?: string | undefined;
  /** One form's buckets, every form's, or the sessions' as a whole (formId null). */
  level: { formId: string } | "forms" | "sessions";
}

/** The analytics read model (docs/data-model.md "Analytics"): buckets and form catalogs. */
export interface AnalyticsStore {
  getBucket(tenantId: string, id: string): Promise<Stored<AnalyticsBucket> | undefined>;
  getCatalog(tenantId: string, formId: string): Promise<Stored<FormCatalog> | undefined>;
  /**
   * Creates the document (`etag` null; one that exists → CONFLICT) or replaces it if it is
   * still at `etag` (else PRECONDITION_FAILED, or NOT_FOUND when it is gone).
   */
  put(doc: AnalyticsDocument, etag: string | null): Promise<void>;
  /** One tenant's buckets matching the query (one query, paged by the store). */
  buckets(tenantId: string, query: BucketQuery): Promise<BucketSums[]>;
  /** Every form catalog of the tenant (one per form its counted sessions used). */
  catalogs(tenantId: string): Promise<FormCatalog[]>;
  /** Deletes every analytics document of the tenant (a rebuild starts here); returns how many. */
  clear(tenantId: string): Promise<number>;
}

// ---------- events ----------

/** Sends CloudEvents to the completion topic (Service Bus in Azure, in-process locally). */
export interface EventPublisher {
  /**
   * Sends every event; resolves once the broker accepted them all. With a `signal`, gives up
   * (rejects) when it aborts: a request publishes under a short deadline, the sweep without.
   */
  publish(events: readonly CloudEvent[], options?: { signal?: AbortSignal }): Promise<void>;
}

// ---------- media and exports ----------

/** A link that grants one thing on one blob until `expiresAt` (ISO 8601 UTC). */
export interface BlobLink {
  url: string;
  expiresAt: string;
}

/**
 * Media and export files (Blob Storage in Azure, Azurite locally), reached only through
 * short-lived SAS URLs scoped to one blob. Ids must match `^[A-Za-z0-9_-]{1,64}$`; the adapter
 * refuses anything else with AppError VALIDATION_FAILED rather than build a path from it.
 */
export interface BlobStore {
  /**
   * A create-only URL for one Put Blob of the interaction's media (valid ≤ 15 minutes): it
   * cannot read, and cannot replace a blob that already exists.
   */
  mediaUploadUrl(tenantId: string, interactionId: string, contentType: string): Promise<BlobLink>;
  /**
   * A read-only URL for playback (Range requests work) that serves the media as `contentType`
   * whatever the upload declared, or undefined when no media was uploaded.
   */
  mediaReadUrl(
    tenantId: string,
    interactionId: string,
    contentType: string,
  ): Promise<(BlobLink & { contentType: string }) | undefined>;
  /**
   * Stores an export under a fresh folder (a retry never overwrites a URL someone holds) and
   * returns a read-only URL that downloads it as an attachment named `fileName`.
   */
  putExport(
    tenantId: string,
    sessionId: string,
    fileName: string,
    bytes: Uint8Array,
    contentType: string,
  ): Promise<BlobLink & { sizeBytes: number }>;
}
