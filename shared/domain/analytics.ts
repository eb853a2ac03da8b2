// The analytics read model (docs/analytics.md, docs/data-model.md "Analytics"): what a counted
// session contributes, and the documents that keep those contributions summed per day.
//
// A bucket holds one agent's sums for one month, per day: for one form (form scores, autofails
// and each question's n, Σx, Σx²) or for the sessions as a whole (session scores). It also
// records, per session, the version whose contribution it holds (`applied`): a change applies
// only a newer version, and takes the older one's contribution out in the same document write,
// so duplicated, reordered or redelivered events change nothing twice and an old version never
// replaces a newer one. A session never moves between buckets: its agent, forms and date (its
// first completion) are fixed once it is Completed; only its answers change.
import { z } from "zod";
import { isScored } from "./forms.js";
import { isoDateTime, type Answers, type Scores, type SessionDocument } from "./model.js";
import { dayKey, monthKey } from "./periods.js";
import { own } from "./records.js";
import { answerScore } from "./scoring.js";

/** [n, Σx, Σx²] of one question's scores. */
export type QuestionSums = [number, number, number];

export interface DaySums {
  /** Sessions dated this day. */
  sessions: number;
  /** Of which with a (form or session) score, their sum, and those with an autofailed form. */
  scored: number;
  sum: number;
  autofailed: number;
  /** Form buckets only: question id → its scores' sums. */
  questions: Record<string, QuestionSums>;
  /** Sessions buckets only: evaluator id → the sessions of this day they evaluated. */
  evaluators?: Record<string, number>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A day's sums as stored. A read of 200 agents over 90 days parses about 24,000 of them with
 * 40 questions each; this check costs a tenth of the equivalent zod object schema.
 */
function isDaySums(value: unknown): value is DaySums {
  if (!isRecord(value)) return false;
  const { sessions, scored, sum, autofailed, questions } = value;
  if (![sessions, scored, sum, autofailed].every((n) => typeof n === "number")) return false;
  if (!isRecord(questions)) return false;
  const { evaluators } = value;
  if (evaluators !== undefined) {
    if (!isRecord(evaluators)) return false;
    for (const id in evaluators) if (typeof evaluators[id] !== "number") return false;
  }
  for (const id in questions) {
    const sums = questions[id];
    if (!Array.isArray(sums) || sums.length !== 3) return false;
    if (typeof sums[0] !== "number" || typeof sums[1] !== "number" || typeof sums[2] !== "number")
      return false;
  }
  return true;
}

const daySumsSchema = z.custom<DaySums>(isDaySums, "is not a day's sums");

export const analyticsBucketSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  kind: z.literal("bucket"),
  agentId: z.string(),
  /** The form, or null for the sessions as a whole. */
  formId: z.string().nullable(),
  /** `YYYY-MM` (UTC). */
  month: z.string(),
  /** `YYYY-MM-DD` → that day's sums; days without sessions are absent. */
  days: z.record(z.string(), daySumsSchema),
  /** Session id → the version whose contribution the sums hold. */
  applied: z.record(z.string(), z.number().int().min(1)),
  updatedAt: isoDateTime,
});
export type AnalyticsBucket = z.output<typeof analyticsBucketSchema>;

/** What a read needs of a bucket: its sums, without the versions it holds. */
export const bucketSumsSchema = analyticsBucketSchema.omit({ applied: true });
export type BucketSums = z.output<typeof bucketSumsSchema>;

/** A form's name and question texts, from the newest version any counted session used. */
export const formCatalogSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  kind: z.literal("catalog"),
  formId: z.string(),
  name: z.string(),
  version: z.number().int(),
  questions: z.record(z.string(), z.object({ text: z.string(), version: z.number().int() })),
  updatedAt: isoDateTime,
});
export type FormCatalog = z.output<typeof formCatalogSchema>;

export const analyticsDocumentSchema = z.discriminatedUnion("kind", [
  analyticsBucketSchema,
  formCatalogSchema,
]);
export type AnalyticsDocument = z.output<typeof analyticsDocumentSchema>;

/** Which bucket: one agent, one form (or the sessions as a whole: null), one month. */
export interface BucketKey {
  agentId: string;
  formId: string | null;
  month: string;
}

/** Ids use `.`, which no id of the service contains, so two keys never share one. */
export const bucketId = (key: BucketKey): string =>
  `bucket.${key.agentId}.${key.formId ?? "~sessions"}.${key.month}`;

export const catalogId = (formId: string): string => `catalog.${formId}`;

/** A key a plain object can hold as its own property (zod drops `__proto__` from records). */
const storable = (key: string): boolean => key !== "__proto__";

// ---------- what a session contributes ----------

/** Counted: Completed, not a Calibration session, archived or not. */
export function isCounted(
  session: Pick<SessionDocument, "state" | "type" | "completedAt">,
): session is typeof session & { completedAt: string } {
  return (
    session.state === "Completed" &&
    session.type !== "Calibration" &&
    session.completedAt !== undefined
  );
}

/** The version a Completed session is at (sessions completed before versions existed: 1). */
export const currentVersion = (session: Pick<SessionDocument, "version">): number =>
  session.version ?? 1;

/** One session's contribution to one bucket. */
export interface Contribution {
  /** `YYYY-MM-DD` of the first completion. */
  day: string;
  score: number | null;
  autofailed: boolean;
  /** Question id → the score it earned (N/A and unanswered questions are absent). */
  questions: Readonly<Record<string, number>>;
  /** The session's evaluator (its contribution to the sessions bucket only). */
  evaluatorId?: string;
}

export interface KeyedContribution {
  key: BucketKey;
  contribution: Contribution;
}

/**
 * What a counted session contributes at one of its versions (its answers and scores then): a
 * form bucket per form and one for the session as a whole, dated by the first completion.
 */
export function contributions(
  session: Pick<SessionDocument, "agentId" | "evaluatorId" | "forms"> & { completedAt: string },
  state: { answers: Answers; scores: Scores },
): KeyedContribution[] {
  const day = dayKey(session.completedAt);
  const month = monthKey(day);
  const result: KeyedContribution[] = [];
  let autofailed = false;
  for (const form of session.forms) {
    const formScore = own(state.scores.forms, form.formId);
    const given = own(state.answers, form.formId) ?? {};
    const questions: Record<string, number> = {};
    for (const group of form.groups) {
      for (const question of group.questions) {
        const answer = own(given, question.id);
        if (!answer || !isScored(question) || !storable(question.id)) continue;
        const score = answerScore(question, answer);
        if (score !== null) questions[question.id] = score;
      }
    }
    autofailed ||= formScore?.autofailed ?? false;
    result.push({
      key: { agentId: session.agentId, formId: form.formId, month },
      contribution: {
        day,
        score: formScore?.score ?? null,
        autofailed: formScore?.autofailed ?? false,
        questions,
      },
    });
  }
  result.push({
    key: { agentId: session.agentId, formId: null, month },
    contribution: {
      day,
      score: state.scores.session,
      autofailed,
      questions: {},
      ...(session.evaluatorId !== null && storable(session.evaluatorId)
        ? { evaluatorId: session.evaluatorId }
        : {}),
    },
  });
  return result;
}

// ---------- applying contributions ----------

export function emptyBucket(tenantId: string, key: BucketKey, now: Date): AnalyticsBucket {
  return {
    id: bucketId(key),
    tenantId,
    kind: "bucket",
    ...key,
    days: {},
    applied: {},
    updatedAt: now.toISOString(),
  };
}

/** One session's move to `version` in a bucket: `previous` is what the bucket holds of it now. */
export interface BucketChange {
  sessionId: string;
  version: number;
  previous: Contribution | undefined;
  next: Contribution | undefined;
}

/** The version of `sessionId` a bucket holds, if any. */
export const appliedVersion = (bucket: AnalyticsBucket | undefined, sessionId: string) =>
  bucket ? own(bucket.applied, sessionId) : undefined;

function addTo(days: Record<string, DaySums>, c: Contribution, sign: 1 | -1): void {
  const day = own(days, c.day) ?? { sessions: 0, scored: 0, sum: 0, autofailed: 0, questions: {} };
  day.sessions += sign;
  if (c.score !== null) {
    day.scored += sign;
    day.sum += sign * c.score;
  }
  if (c.autofailed) day.autofailed += sign;
  for (const [questionId, score] of Object.entries(c.questions)) {
    const sums = own(day.questions, questionId) ?? [0, 0, 0];
    sums[0] += sign;
    sums[1] += sign * score;
    sums[2] += sign * score * score;
    // Taking the last score out leaves rounding behind in the sums: drop them with it.
    if (sums[0] === 0) delete day.questions[questionId];
    else day.questions[questionId] = sums;
  }
  if (c.evaluatorId !== undefined) {
    const evaluators = day.evaluators ?? {};
    const count = (own(evaluators, c.evaluatorId) ?? 0) + sign;
    if (count === 0) delete evaluators[c.evaluatorId];
    else evaluators[c.evaluatorId] = count;
    if (Object.keys(evaluators).length > 0) day.evaluators = evaluators;
    else delete day.evaluators;
  }
  if (day.scored === 0) day.sum = 0;
  if (day.sessions === 0) delete days[c.day];
  else days[c.day] = day;
}

/**
 * The bucket with the changes applied, or undefined when it already holds each session at that
 * version or a newer one (nothing to write). Each change must bring, as `previous`, the
 * contribution of the version the bucket holds; the caller reads it from that version.
 */
export function applyChanges(
  bucket: AnalyticsBucket,
  changes: readonly BucketChange[],
  now: Date,
): AnalyticsBucket | undefined {
  if (new Set(changes.map((c) => c.sessionId)).size !== changes.length)
    throw new Error("One write takes one change per session.");
  const pending = changes.filter((c) => (appliedVersion(bucket, c.sessionId) ?? 0) < c.version);
  if (pending.length === 0) return undefined;
  // One copy per write (stored documents may be frozen); the sums change in place in it.
  const next = structuredClone(bucket);
  for (const change of pending) {
    if (
      (appliedVersion(bucket, change.sessionId) === undefined) !==
      (change.previous === undefined)
    )
      throw new Error(
        `Session ${change.sessionId}: the contribution to take out does not match the bucket's.`,
      );
    if (change.previous) addTo(next.days, change.previous, -1);
    if (change.next) addTo(next.days, change.next, 1);
    next.applied[change.sessionId] = change.version;
  }
  next.updatedAt = now.toISOString();
  return next;
}

// ---------- form names and question texts ----------

/**
 * The catalog with a form snapshot's name and scored questions' texts merged in, newer versions
 * winning (so the order sessions arrive in does not matter); undefined when nothing changes.
 */
export function mergeCatalog(
  catalog: FormCatalog | undefined,
  tenantId: string,
  form: SessionDocument["forms"][number],
  now: Date,
): FormCatalog | undefined {
  const base: FormCatalog = catalog ?? {
    id: catalogId(form.formId),
    tenantId,
    kind: "catalog",
    formId: form.formId,
    name: form.name,
    version: 0,
    questions: {},
    updatedAt: now.toISOString(),
  };
  const questions = { ...base.questions };
  let changed = catalog === undefined || form.version > base.version;
  for (const question of form.groups.flatMap((g) => g.questions)) {
    if (!isScored(question) || !storable(question.id)) continue;
    const known = own(questions, question.id);
    if (known && known.version >= form.version) continue;
    questions[question.id] = { text: question.text, version: form.version };
    changed = true;
  }
  if (!changed) return undefined;
  const newer = form.version >= base.version;
  return {
    ...base,
    name: newer ? form.name : base.name,
    version: Math.max(base.version, form.version),
    questions,
    updatedAt: now.toISOString(),
  };
}
