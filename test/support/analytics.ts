// The analytics read model recomputed from the sessions, independently of the consumer's
// add-and-take-out path (shared/domain/analytics.ts applyChanges): every counted session's
// current contribution summed afresh. The fault suite and the tests compare the stored model
// with it: counts and the versions held exactly, sums within rounding.
import {
  applyChanges,
  bucketId,
  contributions,
  emptyBucket,
  currentVersion,
  isCounted,
  type AnalyticsBucket,
  type BucketChange,
  type BucketKey,
  type DaySums,
} from "../../shared/domain/analytics.js";
import type { SessionDocument } from "../../shared/domain/model.js";
import { own } from "../../shared/domain/records.js";
import type { AnalyticsStore } from "../../shared/ports.js";

export type ComparableBucket = Pick<
  AnalyticsBucket,
  "id" | "agentId" | "formId" | "month" | "days" | "applied"
>;

export function recomputeBuckets(sessions: readonly SessionDocument[]): ComparableBucket[] {
  const buckets = new Map<string, ComparableBucket>();
  for (const session of sessions) {
    if (!isCounted(session)) continue;
    for (const { key, contribution: c } of contributions(session, session)) {
      const id = bucketId(key);
      const bucket = buckets.get(id) ?? { id, ...key, days: {}, applied: {} };
      buckets.set(id, bucket);
      bucket.applied[session.id] = currentVersion(session);
      const day: DaySums = own(bucket.days, c.day) ?? {
        sessions: 0,
        scored: 0,
        sum: 0,
        autofailed: 0,
        questions: {},
      };
      bucket.days[c.day] = day;
      day.sessions++;
      if (c.score !== null) {
        day.scored++;
        day.sum += c.score;
      }
      if (c.autofailed) day.autofailed++;
      for (const [questionId, score] of Object.entries(c.questions)) {
        const sums = own(day.questions, questionId) ?? [0, 0, 0];
        day.questions[questionId] = [sums[0] + 1, sums[1] + score, sums[2] + score * score];
      }
    }
  }
  return [...buckets.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Every bucket of a tenant as stored, the versions it holds included. */
export async function storedBuckets(
  store: AnalyticsStore,
  tenantId: string,
): Promise<ComparableBucket[]> {
  const months = { fromMonth: "0000-01", toMonth: "9999-12" };
  const listed = [
    ...(await store.buckets(tenantId, { ...months, level: "forms" })),
    ...(await store.buckets(tenantId, { ...months, level: "sessions" })),
  ];
  const found: ComparableBucket[] = [];
  for (const { id } of listed) {
    const stored = await store.getBucket(tenantId, id);
    if (stored) found.push(stored.doc);
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : 1));
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Where `actual` differs from `expected`: ids, versions held and counts exactly, sums within rounding. */
export function bucketDifferences(
  actual: readonly ComparableBucket[],
  expected: readonly ComparableBucket[],
): string[] {
  const differences: string[] = [];
  const byId = new Map(actual.map((b) => [b.id, b]));
  for (const want of expected) {
    const got = byId.get(want.id);
    byId.delete(want.id);
    if (!got) {
      differences.push(`bucket ${want.id} is missing`);
      continue;
    }
    if (JSON.stringify(sortKeys(got.applied)) !== JSON.stringify(sortKeys(want.applied)))
      differences.push(
        `bucket ${want.id} holds ${JSON.stringify(got.applied)}, expected ${JSON.stringify(want.applied)}`,
      );
    const days = new Set([...Object.keys(got.days), ...Object.keys(want.days)]);
    for (const day of days) {
      const g = own(got.days, day);
      const w = own(want.days, day);
      const label = `bucket ${want.id} day ${day}`;
      if (!g || !w) {
        differences.push(`${label}: ${g ? "unexpected" : "missing"}`);
        continue;
      }
      for (const field of ["sessions", "scored", "autofailed"] as const)
        if (g[field] !== w[field]) differences.push(`${label}: ${field} ${g[field]} ≠ ${w[field]}`);
      if (!close(g.sum, w.sum)) differences.push(`${label}: sum ${g.sum} ≠ ${w.sum}`);
      const questions = new Set([...Object.keys(g.questions), ...Object.keys(w.questions)]);
      for (const q of questions) {
        const gs = own(g.questions, q);
        const ws = own(w.questions, q);
        if (!gs || !ws || gs[0] !== ws[0] || !close(gs[1], ws[1]) || !close(gs[2], ws[2]))
          differences.push(`${label} question ${q}: ${JSON.stringify(gs)} ≠ ${JSON.stringify(ws)}`);
      }
    }
  }
  for (const extra of byId.keys()) differences.push(`bucket ${extra} should not exist`);
  return differences;
}

function sortKeys(record: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
}

export interface SyntheticPlan {
  tenantId: string;
  formId: string;
  sessions: number;
  agents: number;
  questions: number;
  /** First day (`YYYY-MM-DD`) and how many days the sessions spread over. */
  firstDay: string;
  days: number;
}

/**
 * Buckets as the consumer would have made them from `sessions` synthetic completions (yes/no
 * questions scored 100/0, agent k answering "yes" less often as k grows), made with the
 * domain's own applyChanges, one write per bucket, one agent at a time (so 100,000 sessions
 * never sit in memory at once). Deterministic: the same plan, the same data.
 */
export function syntheticBuckets(plan: SyntheticPlan, now: Date): AnalyticsBucket[] {
  let state = 42;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const start = Date.parse(`${plan.firstDay}T00:00:00Z`);
  const result: AnalyticsBucket[] = [];
  for (let agent = 0; agent < plan.agents; agent++) {
    const agentId = `agent-${agent}`;
    const yes = 0.9 - (0.6 * (agent % 4)) / 3;
    const changes = new Map<string, { key: BucketKey; items: BucketChange[] }>();
    const add = (key: BucketKey, change: BucketChange) => {
      const entry = changes.get(bucketId(key)) ?? { key, items: [] };
      entry.items.push(change);
      changes.set(bucketId(key), entry);
    };
    for (let s = agent; s < plan.sessions; s += plan.agents) {
      const day = new Date(start + Math.floor(random() * plan.days) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const questions: Record<string, number> = {};
      let sum = 0;
      for (let q = 0; q < plan.questions; q++) {
        const score = random() < yes ? 100 : 0;
        questions[`q${q}`] = score;
        sum += score;
      }
      const score = sum / Math.max(1, plan.questions);
      const change = (scores: Record<string, number>): BucketChange => ({
        sessionId: `s${s}`,
        version: 1,
        previous: undefined,
        next: { day, score, autofailed: false, questions: scores },
      });
      const month = day.slice(0, 7);
      add({ agentId, formId: plan.formId, month }, change(questions));
      add({ agentId, formId: null, month }, change({}));
    }
    for (const { key, items } of changes.values()) {
      const bucket = applyChanges(emptyBucket(plan.tenantId, key, now), items, now);
      if (bucket) result.push(bucket);
    }
  }
  return result;
}
