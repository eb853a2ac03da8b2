// The analytics reads (docs/api.md "Analytics"): the agent profile, skill gaps and trend computed
// from the buckets of shared/domain/analytics.ts. Every figure comes from per-day sums, so a read
// costs what the window, the agents and the questions cost, never what the sessions behind them
// would.
import { type BucketSums, type DaySums, type FormCatalog, type QuestionSums } from "./analytics.js";
import type { AnalyticsWindow } from "./analytics-window.js";
import { periodOf, type PeriodKind } from "./periods.js";
import { byCodeUnit, own } from "./records.js";
import { benjaminiHochberg, meanOf, summarize, welchPValue } from "./statistics.js";

// ---------- sums over a window ----------

interface Totals {
  sessions: number;
  scored: number;
  sum: number;
  autofailed: number;
  questions: Map<string, QuestionSums>;
}

const emptyTotals = (): Totals => ({
  sessions: 0,
  scored: 0,
  sum: 0,
  autofailed: 0,
  questions: new Map(),
});

function addSums(into: QuestionSums, from: QuestionSums): void {
  into[0] += from[0];
  into[1] += from[1];
  into[2] += from[2];
}

// The loops below run once per day and question of every bucket read (about a million times
// for a 90-day read of 200 agents × 40 questions): `for…in` over own keys, no arrays built.
function addDay(totals: Totals, day: DaySums): void {
  totals.sessions += day.sessions;
  totals.scored += day.scored;
  totals.sum += day.sum;
  totals.autofailed += day.autofailed;
  for (const questionId in day.questions) {
    const sums = own(day.questions, questionId);
    if (!sums) continue;
    const into = totals.questions.get(questionId);
    if (into) addSums(into, sums);
    else totals.questions.set(questionId, [sums[0], sums[1], sums[2]]);
  }
}

/** The days of a bucket inside the window, oldest first. */
function daysIn(bucket: BucketSums, window: AnalyticsWindow): [string, DaySums][] {
  const days: [string, DaySums][] = [];
  for (const day in bucket.days) {
    const sums = own(bucket.days, day);
    if (sums && day >= window.fromDay && day < window.toDay) days.push([day, sums]);
  }
  return days.sort(([a], [b]) => byCodeUnit(a, b));
}

/** agentId → formId (null: the sessions as a whole) → the window's sums. */
type AgentTotals = Map<string, Map<string | null, Totals>>;

function totalsByAgent(buckets: readonly BucketSums[], window: AnalyticsWindow): AgentTotals {
  const byAgent: AgentTotals = new Map();
  for (const bucket of buckets) {
    const days = daysIn(bucket, window);
    if (days.length === 0) continue;
    const forms = byAgent.get(bucket.agentId) ?? new Map<string | null, Totals>();
    byAgent.set(bucket.agentId, forms);
    const totals = forms.get(bucket.formId) ?? emptyTotals();
    forms.set(bucket.formId, totals);
    for (const [, day] of days) addDay(totals, day);
  }
  return byAgent;
}

/** formId → questionId → every agent's sums together. */
function totalsByQuestion(byAgent: AgentTotals): Map<string, Map<string, QuestionSums>> {
  const all = new Map<string, Map<string, QuestionSums>>();
  for (const forms of byAgent.values()) {
    for (const [formId, totals] of forms) {
      if (formId === null) continue;
      const questions = all.get(formId) ?? new Map<string, QuestionSums>();
      all.set(formId, questions);
      for (const [questionId, sums] of totals.questions) {
        const into = questions.get(questionId);
        if (into) addSums(into, sums);
        else questions.set(questionId, [...sums]);
      }
    }
  }
  return all;
}

const rateOf = (count: number, of: number): number | null => (of > 0 ? count / of : null);

// ---------- one agent's question against everyone else's ----------

export interface QuestionStats {
  formId: string;
  questionId: string;
  text: string;
  n: number;
  mean: number;
  others: { n: number; mean: number | null };
  gap: number | null;
  pValue: number | null;
}

function questionText(catalogs: ReadonlyMap<string, FormCatalog>, formId: string, id: string) {
  const catalog = catalogs.get(formId);
  return (catalog && own(catalog.questions, id)?.text) ?? id;
}

/** The agent's scores on one question against the pooled scores of every other agent. */
function compare(
  formId: string,
  questionId: string,
  mine: QuestionSums,
  everyone: QuestionSums,
  catalogs: ReadonlyMap<string, FormCatalog>,
): QuestionStats {
  const agent = summarize(mine[0], mine[1], mine[2]);
  const others = summarize(everyone[0] - mine[0], everyone[1] - mine[1], everyone[2] - mine[2]);
  const othersMean = others.n > 0 ? others.mean : null;
  return {
    formId,
    questionId,
    text: questionText(catalogs, formId, questionId),
    n: agent.n,
    mean: agent.mean,
    others: { n: others.n, mean: othersMean },
    gap: othersMean === null ? null : agent.mean - othersMean,
    pValue: welchPValue(agent, others),
  };
}

// ---------- the agent profile ----------

export interface FormStats {
  formId: string;
  name: string;
  sessions: number;
  mean: number | null;
  autofailRate: number | null;
}

export interface AgentProfile {
  agentId: string;
  from: string;
  to: string;
  asOf: string;
  sessions: number;
  score: { n: number; mean: number | null };
  autofailRate: number | null;
  forms: FormStats[];
  questions: QuestionStats[];
}

export interface ProfileInput {
  agentId: string;
  /** With it, the headline figures are that form's; without, the sessions'. */
  formId: string | undefined;
  window: AnalyticsWindow;
  asOf: string;
  /** Every agent's form buckets in the window (only the form's, with `formId`). */
  formBuckets: readonly BucketSums[];
  /** The agent's session buckets (unused with `formId`). */
  sessionBuckets: readonly BucketSums[];
  catalogs: ReadonlyMap<string, FormCatalog>;
}

export function agentProfile(input: ProfileInput): AgentProfile {
  const { agentId, formId, window, catalogs } = input;
  const byAgent = totalsByAgent(input.formBuckets, window);
  const mine = byAgent.get(agentId) ?? new Map<string | null, Totals>();
  const headline =
    formId === undefined
      ? (totalsByAgent(
          input.sessionBuckets.filter((b) => b.agentId === agentId && b.formId === null),
          window,
        )
          .get(agentId)
          ?.get(null) ?? emptyTotals())
      : (mine.get(formId) ?? emptyTotals());
  const everyone = totalsByQuestion(byAgent);
  const formIds = [...mine.keys()].filter((id): id is string => id !== null).sort(byCodeUnit);
  const forms = formIds.map((id) => {
    const totals = mine.get(id) ?? emptyTotals();
    return {
      formId: id,
      name: catalogs.get(id)?.name ?? id,
      sessions: totals.sessions,
      mean: meanOf(totals.scored, totals.sum),
      autofailRate: rateOf(totals.autofailed, totals.sessions),
    };
  });
  const questions = formIds.flatMap((id) =>
    [...(mine.get(id)?.questions ?? new Map<string, QuestionSums>())]
      .filter(([, sums]) => sums[0] > 0)
      .sort(([a], [b]) => byCodeUnit(a, b))
      .map(([questionId, sums]) =>
        compare(id, questionId, sums, everyone.get(id)?.get(questionId) ?? sums, catalogs),
      ),
  );
  return {
    agentId,
    from: window.from,
    to: window.to,
    asOf: input.asOf,
    sessions: headline.sessions,
    score: { n: headline.scored, mean: meanOf(headline.scored, headline.sum) },
    autofailRate: rateOf(headline.autofailed, headline.sessions),
    forms,
    questions,
  };
}

// ---------- skill gaps ----------

export const corrections = ["none", "bh"] as const;

export interface SkillGapQuery {
  minN: number;
  alpha: number;
  correction: (typeof corrections)[number];
}

export interface SkillGapRow extends QuestionStats {
  agentId: string;
  qValue: number | null;
}

/** The order of the rows: gap ascending, then agentId, formId, questionId. */
export type SkillGapKey = [number, string, string, string];
export const skillGapKey = (row: SkillGapRow): SkillGapKey => [
  row.gap ?? 0,
  row.agentId,
  row.formId,
  row.questionId,
];

export function compareSkillGapKeys(a: SkillGapKey, b: SkillGapKey): number {
  return a[0] - b[0] || byCodeUnit(a[1], b[1]) || byCodeUnit(a[2], b[2]) || byCodeUnit(a[3], b[3]);
}

/**
 * Every (agent, question) with a negative gap, `n` and `others.n` at least `minN`, and a p-value
 * (or with `bh` a q-value) below `alpha`. The q-values adjust over every pair that passed the
 * `n` filters, the tests made.
 */
export function skillGaps(
  buckets: readonly BucketSums[],
  window: AnalyticsWindow,
  catalogs: ReadonlyMap<string, FormCatalog>,
  query: SkillGapQuery,
): SkillGapRow[] {
  const byAgent = totalsByAgent(buckets, window);
  const everyone = totalsByQuestion(byAgent);
  const tested: SkillGapRow[] = [];
  for (const [agentId, forms] of byAgent) {
    for (const [formId, totals] of forms) {
      if (formId === null) continue;
      for (const [questionId, sums] of totals.questions) {
        const all = everyone.get(formId)?.get(questionId) ?? sums;
        if (sums[0] < query.minN || all[0] - sums[0] < query.minN) continue;
        const stats = compare(formId, questionId, sums, all, catalogs);
        // A pair with fewer than 2 scores on a side has no p-value: no test was made.
        if (stats.pValue !== null) tested.push({ agentId, ...stats, qValue: null });
      }
    }
  }
  const qValues = benjaminiHochberg(tested.map((row) => row.pValue ?? 1));
  return tested
    .map((row, i) => ({ ...row, qValue: qValues[i] ?? null }))
    .filter((row) => {
      const p = query.correction === "bh" ? row.qValue : row.pValue;
      return row.gap !== null && row.gap < 0 && p !== null && p < query.alpha;
    })
    .sort((a, b) => compareSkillGapKeys(skillGapKey(a), skillGapKey(b)));
}

// ---------- evaluators ----------

/**
 * Per evaluator, the counted sessions they evaluated that were first completed in the window,
 * from the sessions buckets (`formId` null) of the window's months.
 */
export function sessionsByEvaluator(
  buckets: readonly BucketSums[],
  window: AnalyticsWindow,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const bucket of buckets) {
    if (bucket.formId !== null) continue;
    for (const [, day] of daysIn(bucket, window)) {
      for (const evaluatorId in day.evaluators) {
        const n = own(day.evaluators, evaluatorId) ?? 0;
        counts.set(evaluatorId, (counts.get(evaluatorId) ?? 0) + n);
      }
    }
  }
  return counts;
}

// ---------- trend ----------

export interface TrendBucket {
  start: string;
  sessions: number;
  mean: number | null;
}

/**
 * Sessions and their mean score per UTC calendar period (periods.ts), counting only days inside
 * the window.
 */
export function trend(
  buckets: readonly BucketSums[],
  window: AnalyticsWindow,
  granularity: PeriodKind,
): TrendBucket[] {
  const sums = new Map<string, { sessions: number; scored: number; sum: number }>();
  const starts = new Map<string, string>();
  const startOf = (day: string): string => {
    let start = starts.get(day);
    if (start === undefined) {
      start = periodOf(new Date(`${day}T00:00:00Z`), granularity).start;
      starts.set(day, start);
    }
    return start;
  };
  for (const bucket of buckets) {
    for (const [day, values] of daysIn(bucket, window)) {
      const start = startOf(day);
      const into = sums.get(start) ?? { sessions: 0, scored: 0, sum: 0 };
      into.sessions += values.sessions;
      into.scored += values.scored;
      into.sum += values.sum;
      sums.set(start, into);
    }
  }
  return [...sums]
    .filter(([, s]) => s.sessions > 0)
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([start, s]) => ({
      start,
      sessions: s.sessions,
      mean: meanOf(s.scored, s.sum),
    }));
}
