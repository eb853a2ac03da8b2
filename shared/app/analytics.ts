// The analytics use cases (docs/analytics.md): the consumer that keeps the read model, the
// rebuild that recomputes it from the sessions, and the reads (profile, skill gaps, trend).
//
// The consumer trusts the stored session, never the message (as the notifications consumer
// does since audit finding F14): an event only says which session changed. It brings each of
// the session's buckets to the session's current version, so any event for it, duplicated,
// late or out of order, converges on the same state (shared/domain/analytics.ts).
import { z } from "zod";
import type { Actor } from "../domain/access.js";
import {
  appliedVersion,
  applyChanges,
  bucketId,
  contributions,
  currentVersion,
  emptyBucket,
  isCounted,
  mergeCatalog,
  type AnalyticsDocument,
  type BucketChange,
  type BucketKey,
  type FormCatalog,
  type KeyedContribution,
} from "../domain/analytics.js";
import {
  agentProfile,
  compareSkillGapKeys,
  skillGapKey,
  skillGaps,
  trend,
  type AgentProfile,
  type SkillGapQuery,
  type SkillGapRow,
  type TrendBucket,
} from "../domain/analytics-reads.js";
import { analyticsWindow } from "../domain/analytics-window.js";
import { isCode, validationFailed } from "../domain/errors.js";
import type { FormSnapshot, SessionDocument } from "../domain/model.js";
import type { PeriodKind } from "../domain/periods.js";
// Skill gaps are computed, not stored, yet page like every list: the same token envelope, so a
// token is refused alike when tampered with or sent with another query or tenant.
import { decodeContinuation, pageAfterKey, skillGapsIdentity } from "../adapters/continuation.js";
import type { Logger, Page, PageRequest, Stored } from "../ports.js";
import type { Services } from "../services.js";
import { inParallel } from "./parallel.js";

// ---------- writing the read model ----------

/** How often a write that lost a race to another consumer is tried again before giving up. */
const MAX_ATTEMPTS = 12;

/** Another writer created, changed or removed the document since it was read. */
const overtaken = (error: unknown): boolean =>
  isCode(error, "CONFLICT", "PRECONDITION_FAILED", "NOT_FOUND");

/**
 * Read, change, write conditionally on what was read; again when another writer came first.
 * Returns whether it wrote (false: the change was already there).
 */
async function update<T extends AnalyticsDocument>(
  services: Services,
  read: () => Promise<Stored<T> | undefined>,
  change: (current: T | undefined) => Promise<T | undefined> | T | undefined,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const stored = await read();
    const next = await change(stored?.doc);
    if (!next) return false;
    try {
      await services.analytics.put(next, stored?.etag ?? null);
      return true;
    } catch (error) {
      if (!overtaken(error) || attempt >= MAX_ATTEMPTS) throw error;
      // Racing consumers back off apart, so one of them gets through.
      await new Promise((done) =>
        setTimeout(done, Math.random() * Math.min(200, 4 * 2 ** attempt)),
      );
    }
  }
}

function updateCatalog(services: Services, tenantId: string, form: FormSnapshot, now: Date) {
  return update(
    services,
    () => services.analytics.getCatalog(tenantId, form.formId),
    (catalog) => mergeCatalog(catalog, tenantId, form, now),
  );
}

/** A counted session brought to its current version, and how to find what it contributed before. */
interface SessionTarget {
  sessionId: string;
  version: number;
  contributions: KeyedContribution[];
  earlier: (version: number) => Promise<KeyedContribution[]>;
}

/** What a session contributed at `version`: its answers then (a snapshot), its forms now. */
async function contributionsAt(
  services: Services,
  session: SessionDocument & { completedAt: string },
  version: number,
): Promise<KeyedContribution[]> {
  if (version === currentVersion(session)) return contributions(session, session);
  const snapshot =
    session.pendingVersions.find((v) => v.version === version) ??
    (await services.versions.get(session.tenantId, session.id, version));
  if (!snapshot)
    throw new Error(
      `Version ${version} of session ${session.id} is not stored; run npm run analytics:rebuild.`,
    );
  return contributions(session, snapshot);
}

function targetOf(
  services: Services,
  session: SessionDocument & { completedAt: string },
): SessionTarget {
  return {
    sessionId: session.id,
    version: currentVersion(session),
    contributions: contributions(session, session),
    earlier: (version) => contributionsAt(services, session, version),
  };
}

type Item = [SessionTarget, KeyedContribution];

/** One bucket brought to its sessions' versions in one conditional write; whether it wrote. */
function writeBucket(
  services: Services,
  tenantId: string,
  id: string,
  key: BucketKey,
  items: readonly Item[],
): Promise<boolean> {
  // Two events of one session in one write: the newer version alone counts.
  const newest = new Map<string, Item>();
  for (const item of items) {
    const known = newest.get(item[0].sessionId);
    if (!known || known[0].version < item[0].version) newest.set(item[0].sessionId, item);
  }
  return update(
    services,
    () => services.analytics.getBucket(tenantId, id),
    async (bucket) => {
      const changes: BucketChange[] = [];
      for (const [target, keyed] of newest.values()) {
        const held = appliedVersion(bucket, target.sessionId);
        if (held !== undefined && held >= target.version) continue;
        const previous =
          held === undefined
            ? undefined
            : (await target.earlier(held)).find((k) => bucketId(k.key) === id)?.contribution;
        changes.push({
          sessionId: target.sessionId,
          version: target.version,
          previous,
          next: keyed.contribution,
        });
      }
      const now = services.clock.now();
      return applyChanges(bucket ?? emptyBucket(tenantId, key, now), changes, now);
    },
  );
}

/** Brings every bucket the targets touch to their versions; returns how many it wrote. */
async function writeTargets(
  services: Services,
  tenantId: string,
  targets: readonly SessionTarget[],
): Promise<number> {
  const groups = new Map<string, { key: BucketKey; items: Item[] }>();
  for (const target of targets) {
    for (const keyed of target.contributions) {
      const id = bucketId(keyed.key);
      const group = groups.get(id) ?? { key: keyed.key, items: [] };
      group.items.push([target, keyed]);
      groups.set(id, group);
    }
  }
  let written = 0;
  await inParallel([...groups], 8, async ([id, { key, items }]) => {
    if (await writeBucket(services, tenantId, id, key, items)) written++;
  });
  return written;
}

export interface AnalyticsRefresh {
  outcome: "applied" | "current" | "not counted" | "absent";
  /** Buckets written. */
  buckets: number;
}

/**
 * The `analytics` consumer: brings the read model to the stored session's current version
 * (a session that is not counted, or not there, changes nothing).
 */
export async function refreshSessionAnalytics(
  services: Services,
  tenantId: string,
  sessionId: string,
): Promise<AnalyticsRefresh> {
  const session = (await services.sessions.get(tenantId, sessionId))?.doc;
  if (!session) return { outcome: "absent", buckets: 0 };
  if (!isCounted(session)) return { outcome: "not counted", buckets: 0 };
  const now = services.clock.now();
  // Names and texts first: a bucket is never readable before its form's catalog.
  for (const form of session.forms) await updateCatalog(services, tenantId, form, now);
  const buckets = await writeTargets(services, tenantId, [targetOf(services, session)]);
  return { outcome: buckets > 0 ? "applied" : "current", buckets };
}

/** Sessions read and contributions buffered before they are written out. */
const REBUILD_BATCH = 2_000;

export interface RebuildResult {
  removed: number;
  sessions: number;
  buckets: number;
}

/**
 * Recomputes a tenant's read model from its sessions: deletes it, then applies every counted
 * session at its current version. A consumer running meanwhile is harmless: both bring a
 * bucket to a session's version at most once (reads see a partial model until it ends).
 */
export async function rebuildAnalytics(
  services: Services,
  tenantId: string,
  log: Pick<Logger, "log">,
): Promise<RebuildResult> {
  const removed = await services.analytics.clear(tenantId);
  log.log(`analytics: removed ${removed} document(s) of tenant ${tenantId}`);
  const result: RebuildResult = { removed, sessions: 0, buckets: 0 };
  const forms = new Map<string, FormSnapshot>();
  let batch: SessionTarget[] = [];
  const flush = async () => {
    const now = services.clock.now();
    for (const form of forms.values()) await updateCatalog(services, tenantId, form, now);
    forms.clear();
    result.buckets += await writeTargets(services, tenantId, batch);
    result.sessions += batch.length;
    batch = [];
    log.log(`analytics: ${result.sessions} session(s) applied`);
  };
  let continuationToken: string | undefined;
  do {
    const page = await services.sessions.list(
      tenantId,
      { status: "Completed", archived: "all", now: services.clock.now().toISOString() },
      { limit: 200, continuationToken },
    );
    const docs: SessionDocument[] = [];
    await inParallel(page.items, 8, async (summary) => {
      const stored = await services.sessions.get(tenantId, summary.id);
      if (stored) docs.push(stored.doc);
    });
    for (const session of docs) {
      if (!isCounted(session)) continue;
      const { completedAt } = session;
      // Only the contributions stay in memory; an older version (a consumer raced us) is
      // read again from the session.
      batch.push({
        ...targetOf(services, session),
        earlier: async (version) => {
          const again = (await services.sessions.get(tenantId, session.id))?.doc ?? session;
          return contributionsAt(services, { ...again, completedAt }, version);
        },
      });
      for (const form of session.forms) {
        const known = forms.get(form.formId);
        if (!known || known.version < form.version) forms.set(form.formId, form);
      }
    }
    if (batch.length >= REBUILD_BATCH) await flush();
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken !== undefined);
  await flush();
  return result;
}

// ---------- reads ----------

export interface WindowQuery {
  from?: string | undefined;
  to?: string | undefined;
}

/** A formId the query names must be a form of the tenant (else 400). */
async function requireForm(services: Services, tenantId: string, formId: string | undefined) {
  if (formId === undefined) return;
  if (!(await services.forms.get(tenantId, formId)))
    throw validationFailed([{ path: "query.formId", message: "is not a form of this tenant" }]);
}

async function catalogsOf(services: Services, tenantId: string) {
  const catalogs = await services.analytics.catalogs(tenantId);
  return new Map<string, FormCatalog>(catalogs.map((c) => [c.formId, c]));
}

export async function readAgentProfile(
  services: Services,
  actor: Actor,
  agentId: string,
  query: WindowQuery & { formId?: string | undefined },
): Promise<AgentProfile> {
  const now = services.clock.now();
  const window = analyticsWindow(query, now);
  const { tenantId } = actor;
  await requireForm(services, tenantId, query.formId);
  const months = { fromMonth: window.fromMonth, toMonth: window.toMonth };
  const { formId } = query;
  const [formBuckets, sessionBuckets, catalogs] = await Promise.all([
    services.analytics.buckets(tenantId, {
      ...months,
      level: formId === undefined ? "forms" : { formId },
    }),
    formId === undefined
      ? services.analytics.buckets(tenantId, { ...months, agentId, level: "sessions" })
      : Promise.resolve([]),
    catalogsOf(services, tenantId),
  ]);
  return agentProfile({
    agentId,
    formId,
    window,
    asOf: now.toISOString(),
    formBuckets,
    sessionBuckets,
    catalogs,
  });
}

export interface SkillGapsQuery extends WindowQuery, SkillGapQuery {
  formId?: string | undefined;
}

export interface SkillGaps extends Page<SkillGapRow> {
  asOf: string;
}

const skillGapKeySchema = z.tuple([z.number(), z.string(), z.string(), z.string()]);

/** A page of skill gaps, or every row (`page` "all": the CSV). */
export async function readSkillGaps(
  services: Services,
  actor: Actor,
  query: SkillGapsQuery,
  page: PageRequest | "all",
): Promise<SkillGaps> {
  const now = services.clock.now();
  const window = analyticsWindow(query, now);
  const { tenantId } = actor;
  const identity = skillGapsIdentity(tenantId, query);
  // A tampered token is 400 before any read, like every other bad parameter here.
  if (page !== "all") decodeContinuation(identity, page.continuationToken);
  await requireForm(services, tenantId, query.formId);
  const { formId } = query;
  const [buckets, catalogs] = await Promise.all([
    services.analytics.buckets(tenantId, {
      fromMonth: window.fromMonth,
      toMonth: window.toMonth,
      level: formId === undefined ? "forms" : { formId },
    }),
    catalogsOf(services, tenantId),
  ]);
  const rows = skillGaps(buckets, window, catalogs, query);
  const asOf = now.toISOString();
  if (page === "all") return { asOf, items: rows, continuationToken: null };
  return {
    asOf,
    ...pageAfterKey(identity, rows, skillGapKey, skillGapKeySchema, compareSkillGapKeys, page),
  };
}

export async function readTrend(
  services: Services,
  actor: Actor,
  query: WindowQuery & {
    agentId?: string | undefined;
    formId?: string | undefined;
    granularity: PeriodKind;
  },
): Promise<{ asOf: string; buckets: TrendBucket[] }> {
  const now = services.clock.now();
  const window = analyticsWindow(query, now);
  const { tenantId } = actor;
  await requireForm(services, tenantId, query.formId);
  const { formId } = query;
  const buckets = await services.analytics.buckets(tenantId, {
    fromMonth: window.fromMonth,
    toMonth: window.toMonth,
    agentId: query.agentId,
    level: formId === undefined ? "sessions" : { formId },
  });
  return { asOf: now.toISOString(), buckets: trend(buckets, window, query.granularity) };
}
