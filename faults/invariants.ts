// The promises checked after every history, once sweeps and deliveries ran with faults off.
// Each returns human-readable violations, so a failing history says what broke and where.
import { isDeepStrictEqual } from "node:util";
import { slotId, slotPrefix } from "../shared/app/policy-pool.js";
import { withRetraction } from "../shared/domain/history.js";
import { EVALUATED_TAG, type SessionDocument } from "../shared/domain/model.js";
import { periodOf } from "../shared/domain/periods.js";
import { bucketDifferences, recomputeBuckets, storedBuckets } from "../test/support/analytics.js";
import type { Attempt, FaultEnv, HistoryRecord } from "./model.js";
import { RUN_PERIOD, tenant } from "./model.js";

/** Every status an operation may answer in these histories, with the codes allowed for it. */
const allowed: Record<string, Record<number, readonly string[] | "any">> = {
  sessionsGet: { 200: "any", 503: ["DEPENDENCY_UNAVAILABLE"] },
  sessionsAnswers: {
    200: "any",
    409: ["SESSION_ARCHIVED", "DISPUTE_OPEN"],
    412: ["PRECONDITION_FAILED"],
    422: ["REQUIRED_QUESTIONS_UNANSWERED"],
    503: ["DEPENDENCY_UNAVAILABLE"],
  },
  sessionsComplete: {
    200: "any",
    409: ["ALREADY_COMPLETED", "SESSION_ARCHIVED", "DUE_DATE_PASSED"],
    412: ["PRECONDITION_FAILED"],
    422: ["REQUIRED_QUESTIONS_UNANSWERED"],
    503: ["DEPENDENCY_UNAVAILABLE"],
  },
  sessionsReplaceInteraction: {
    200: "any",
    409: ["REPLACE_NOT_ALLOWED", "NO_MATCHING_INTERACTION", "SESSION_ARCHIVED"],
    412: ["PRECONDITION_FAILED"],
    503: ["DEPENDENCY_UNAVAILABLE"],
  },
  sessionsArchive: { 200: "any", 503: ["DEPENDENCY_UNAVAILABLE"] },
  sessionsDisputes: {
    201: "any",
    400: ["VALIDATION_FAILED"],
    409: [
      "SESSION_NOT_COMPLETED",
      "SESSION_ARCHIVED",
      "DISPUTE_WINDOW_CLOSED",
      "DISPUTE_ALREADY_OPEN",
      "DISPUTE_LIMIT_REACHED",
    ],
    412: ["PRECONDITION_FAILED"],
    503: ["DEPENDENCY_UNAVAILABLE"],
  },
  disputesResolve: {
    200: "any",
    404: ["NOT_FOUND"],
    409: ["DISPUTE_CLOSED"],
    412: ["PRECONDITION_FAILED"],
    503: ["DEPENDENCY_UNAVAILABLE"],
  },
  disputesWithdraw: {
    200: "any",
    404: ["NOT_FOUND"],
    409: ["DISPUTE_CLOSED"],
    412: ["PRECONDITION_FAILED"],
    503: ["DEPENDENCY_UNAVAILABLE"],
  },
  sessionsCreate: {
    201: "any",
    409: ["NO_MATCHING_INTERACTION", "INTERACTION_IN_USE", "INTERACTION_ALREADY_EVALUATED"],
    503: ["DEPENDENCY_UNAVAILABLE"],
  },
  sessionsNotifyAgent: {
    200: "any",
    201: "any",
    409: ["SESSION_ARCHIVED"],
    503: ["DEPENDENCY_UNAVAILABLE"],
  },
  policiesRun: { 200: "any", 202: "any", 503: ["DEPENDENCY_UNAVAILABLE"] },
};

const writes = new Set([
  "sessionsAnswers",
  "sessionsComplete",
  "sessionsReplaceInteraction",
  "sessionsArchive",
  "sessionsDisputes",
  "disputesResolve",
  "disputesWithdraw",
]);

/** Writes whose answer is the dispute, not the session: their answers are not shown. */
const disputeOnly = new Set(["sessionsDisputes", "disputesWithdraw"]);

const label = (a: Attempt) => `op ${a.opId} ${a.fn}(session ${a.session})`;

/** No 500, no status outside the operation's set, and a 503 only for an injected fault. */
export function checkStatuses(record: HistoryRecord): string[] {
  const violations: string[] = [];
  for (const a of record.attempts) {
    if (a.outcome === "abandoned") continue;
    const codes = allowed[a.fn]?.[a.status];
    if (codes === undefined) {
      violations.push(`${label(a)} answered ${a.status} ${a.code ?? ""}`);
      continue;
    }
    if (codes !== "any" && (a.code === undefined || !codes.includes(a.code)))
      violations.push(`${label(a)} answered ${a.status} with code ${a.code ?? "(none)"}`);
    if (a.status === 503) {
      if (!a.faulted) violations.push(`${label(a)} answered 503 without an injected fault`);
      if (!/^[1-9]\d*$/.exec(a.retryAfter ?? ""))
        violations.push(`${label(a)} answered 503 without a Retry-After (${String(a.retryAfter)})`);
    }
    if (a.fn === "sessionsNotifyAgent" && a.status === 200 && a.idempotencyKey === undefined)
      violations.push(`${label(a)} answered 200 to a request without Idempotency-Key`);
  }
  return violations;
}

interface Observation {
  revision: number;
  /** Undefined when the answer did not show them (a dispute's). */
  answers: unknown;
  interactionId: unknown;
  completed: boolean;
  attempt: Attempt;
}

function sessionOf(a: Attempt): Record<string, unknown> | undefined {
  const body = a.json;
  if (typeof body !== "object" || body === null) return undefined;
  const wrapped = a.fn === "sessionsComplete" || a.fn === "disputesResolve";
  const inner = wrapped && "session" in body ? body.session : body;
  if (typeof inner !== "object" || inner === null) return undefined;
  return Object.fromEntries(Object.entries(inner));
}

function observation(a: Attempt): Observation | undefined {
  if (a.outcome !== "answered" || !a.etag) return undefined;
  const revision = Number(a.etag.replaceAll('"', ""));
  if (disputeOnly.has(a.fn) && a.status < 300) {
    return { revision, answers: undefined, interactionId: undefined, completed: true, attempt: a };
  }
  if (a.status !== 200) return undefined;
  if (a.fn === "sessionsArchive" || a.fn === "sessionsNotifyAgent") return undefined;
  const view = sessionOf(a);
  if (!view) return undefined;
  const interaction = view.interaction;
  return {
    revision: Number(a.etag.replaceAll('"', "")),
    answers: view.answers,
    interactionId:
      typeof interaction === "object" && interaction !== null && "id" in interaction
        ? interaction.id
        : undefined,
    completed: typeof view.completedAt === "string",
    attempt: a,
  };
}

/**
 * No acknowledged write is lost: the stored session is the newest state any client was shown,
 * or a later one made by writes whose outcome the client never learned (503, dropped); two
 * acknowledged writes never share a revision; an acknowledged completion or archive holds.
 */
export async function checkWrites(env: FaultEnv, record: HistoryRecord): Promise<string[]> {
  const violations: string[] = [];
  for (const [s, id] of env.sessionIds.entries()) {
    const stored = await env.raw.sessions.get(tenant, id);
    if (!stored) {
      violations.push(`session ${s} is gone`);
      continue;
    }
    const doc = stored.doc;
    const attempts = record.attempts.filter((a) => a.session === s);
    const observations = attempts.flatMap((a) => observation(a) ?? []);
    const byRevision = new Map<number, Observation>();
    const ackedWriteRevisions = new Set<number>();
    for (const o of observations) {
      const seen = byRevision.get(o.revision);
      const bothShown = seen?.answers !== undefined && o.answers !== undefined;
      if (seen && bothShown && !isDeepStrictEqual(seen.answers, o.answers))
        violations.push(
          `session ${s} showed two states at revision ${o.revision} (${label(seen.attempt)} and ${label(o.attempt)})`,
        );
      if (!seen || o.answers !== undefined) byRevision.set(o.revision, o);
      if (writes.has(o.attempt.fn)) {
        if (ackedWriteRevisions.has(o.revision))
          violations.push(`session ${s}: two acknowledged writes at revision ${o.revision}`);
        ackedWriteRevisions.add(o.revision);
      }
    }
    const newest = [...byRevision.values()].sort((a, b) => b.revision - a.revision)[0];
    const known = newest?.revision ?? env.initialRevisions[s] ?? 1;
    const unknownOutcomes = attempts.filter(
      (a) => writes.has(a.fn) && (a.outcome === "abandoned" || a.status === 503),
    ).length;
    // Archive answers without the session, so its acknowledgement counts as one more write.
    const ackedArchives = attempts.filter(
      (a) => a.fn === "sessionsArchive" && a.outcome === "answered" && archivedIds(a).includes(id),
    ).length;
    if (doc.revision < known)
      violations.push(`session ${s}: stored revision ${doc.revision} < acknowledged ${known}`);
    else if (
      doc.revision === known &&
      newest?.answers !== undefined &&
      !isDeepStrictEqual(doc.answers, newest.answers)
    )
      violations.push(
        `session ${s}: stored answers ${JSON.stringify(doc.answers)} differ from acknowledged ${JSON.stringify(newest.answers)} (${label(newest.attempt)})`,
      );
    else if (doc.revision - known > unknownOutcomes + ackedArchives)
      violations.push(
        `session ${s}: revision ${doc.revision} is ${doc.revision - known} past the last acknowledged one, with only ${unknownOutcomes + ackedArchives} unacknowledged or archive write(s)`,
      );
    if (
      newest?.interactionId !== undefined &&
      doc.revision === known &&
      newest.interactionId !== doc.interaction.id
    )
      violations.push(`session ${s}: stored interaction differs from the acknowledged one`);
    const ackedComplete = attempts.find(
      (a) => a.fn === "sessionsComplete" && a.outcome === "answered" && a.status === 200,
    );
    if (ackedComplete && doc.state !== "Completed")
      violations.push(`session ${s}: ${label(ackedComplete)} was acknowledged but is not stored`);
    if (observations.some((o) => o.completed) && doc.state !== "Completed")
      violations.push(`session ${s}: was shown Completed but is stored ${doc.state}`);
    if (ackedArchives > 0 && !doc.archived)
      violations.push(`session ${s}: archive was acknowledged but it is not archived`);
  }
  return violations;
}

function archivedIds(a: Attempt): string[] {
  const body = a.json;
  if (a.status !== 200 || typeof body !== "object" || body === null || !("archived" in body))
    return [];
  return Array.isArray(body.archived) ? body.archived.map(String) : [];
}

/**
 * One effect per completion, whatever the deliveries: a Completed session's interaction carries
 * exactly one Evaluated tag; no other interaction does; the outbox and the topic are empty.
 */
export async function checkCompletionEffects(env: FaultEnv): Promise<string[]> {
  const violations: string[] = [];
  const completedInteractions = new Set<string>();
  const allInteractions = new Set<string>();
  for (const [s, id] of env.sessionIds.entries()) {
    const stored = await env.raw.sessions.get(tenant, id);
    if (!stored) continue;
    if (stored.doc.hasPendingEvents || stored.doc.pendingEvents.length > 0)
      violations.push(
        `session ${s}: ${stored.doc.pendingEvents.length} event(s) still pending after a fault-free sweep`,
      );
    if (stored.doc.state === "Completed") completedInteractions.add(stored.doc.interaction.id);
  }
  const page = await env.raw.interactions.list(tenant, {}, { limit: 200 });
  for (const interaction of page.items) {
    allInteractions.add(interaction.id);
    const tags = interaction.tags.filter((t) => t === EVALUATED_TAG).length;
    const expected = completedInteractions.has(interaction.id) ? 1 : 0;
    if (tags !== expected)
      violations.push(
        `interaction ${interaction.id} has ${tags} ${EVALUATED_TAG} tag(s), expected ${expected}`,
      );
  }
  for (const id of completedInteractions)
    if (!allInteractions.has(id))
      violations.push(`interaction ${id} of a completed session is gone`);
  if (env.topic.pending > 0)
    violations.push(`${env.topic.pending} message(s) still undelivered after the final deliveries`);
  return violations;
}

/**
 * Every revision of a session has exactly one history entry and no entry is without its
 * revision; its versions are 1…version, the newest being what the session says now (the only
 * one not retracted); an accepted dispute item's proposed answer is in the version its
 * resolution made.
 */
export async function checkHistoryAndVersions(env: FaultEnv): Promise<string[]> {
  const violations: string[] = [];
  for (const [s, id] of env.sessionIds.entries()) {
    const doc = (await env.raw.sessions.get(tenant, id))?.doc;
    if (!doc) continue;
    const revisions: number[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await env.raw.history.list(tenant, id, { limit: 200, continuationToken });
      revisions.push(...page.items.map((entry) => entry.revision));
      continuationToken = page.continuationToken ?? undefined;
    } while (continuationToken);
    revisions.push(...doc.pendingHistory.map((entry) => entry.revision));
    const counts = new Map<number, number>();
    for (const r of revisions) counts.set(r, (counts.get(r) ?? 0) + 1);
    for (let r = 1; r <= doc.revision; r++) {
      if ((counts.get(r) ?? 0) !== 1)
        violations.push(`session ${s}: revision ${r} has ${counts.get(r) ?? 0} history entries`);
    }
    for (const r of counts.keys()) {
      if (r > doc.revision)
        violations.push(`session ${s}: history entry ${r} without its revision`);
    }
    const stored = await env.raw.versions.list(tenant, id);
    const versions = [
      ...stored,
      ...doc.pendingVersions.filter((p) => !stored.some((v) => v.version === p.version)),
    ];
    const numbers = versions.map((v) => v.version).sort((a, b) => b - a);
    const expected = Array.from({ length: doc.version ?? 0 }, (_, i) => (doc.version ?? 0) - i);
    if (!isDeepStrictEqual(numbers, expected))
      violations.push(`session ${s}: versions ${numbers.join(",")} for version ${doc.version}`);
    const newestFirst = [...versions].sort((a, b) => b.version - a.version);
    const current = withRetraction(newestFirst).filter((v) => v.retractedAt === undefined);
    if (versions.length > 0 && (current.length !== 1 || current[0]?.version !== doc.version))
      violations.push(`session ${s}: not retracted: ${current.map((v) => v.version).join(",")}`);
    const newest = versions.find((v) => v.version === doc.version);
    if (newest && !isDeepStrictEqual(newest.answers, doc.answers))
      violations.push(`session ${s}: its newest version ${doc.version} is not what it says now`);
    for (const dispute of doc.disputes) {
      if (dispute.resolvedVersion === undefined) continue;
      const made = versions.find((v) => v.version === dispute.resolvedVersion);
      for (const item of dispute.items.filter((i) => i.decision?.outcome === "accepted")) {
        const answer = made?.answers[item.formId]?.[item.questionId];
        if (!isDeepStrictEqual(answer, item.proposed))
          violations.push(
            `session ${s}: ${dispute.id} accepted ${item.questionId}, version lacks it`,
          );
      }
    }
  }
  return violations;
}

/**
 * No interaction is held by two non-archived sessions, unless they are Calibration sessions of
 * one calibration (which share it by design).
 */
export async function checkHolds(env: FaultEnv): Promise<string[]> {
  const byInteraction = new Map<string, { id: string; calibrationId?: string | undefined }[]>();
  const filter = { archived: false, now: env.app.clock.now().toISOString() } as const;
  let continuationToken: string | undefined;
  do {
    const page = await env.raw.sessions.list(tenant, filter, { limit: 200, continuationToken });
    for (const s of page.items) {
      const doc = (await env.raw.sessions.get(tenant, s.id))?.doc;
      if (!doc) continue;
      const holders = byInteraction.get(doc.interaction.id) ?? [];
      holders.push({ id: doc.id, calibrationId: doc.calibrationId });
      byInteraction.set(doc.interaction.id, holders);
    }
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken);
  const violations: string[] = [];
  for (const [interactionId, holders] of byInteraction) {
    const calibrations = new Set(holders.map((h) => h.calibrationId));
    if (holders.length > 1 && (calibrations.size > 1 || calibrations.has(undefined)))
      violations.push(
        `interaction ${interactionId} held by ${holders.length} open sessions: ${holders.map((h) => h.id).join(", ")}`,
      );
  }
  return violations;
}

/**
 * At most one action item per notify request: per completion event with notifyAgent (and
 * exactly one when the completion was acknowledged), per Idempotency-Key, per keyless request.
 * Every acknowledged notify answer names the item that is stored.
 */
export async function checkActionItems(env: FaultEnv, record: HistoryRecord): Promise<string[]> {
  const violations: string[] = [];
  const page = await env.raw.actionItems.list(tenant, {}, { limit: 200 });
  const bySummary = new Map<string, string[]>();
  for (const item of page.items) {
    bySummary.set(item.summary, [...(bySummary.get(item.summary) ?? []), item.id]);
  }
  const requested = new Map<string, Attempt[]>();
  for (const a of record.attempts) {
    if (a.summary === undefined) continue;
    requested.set(a.summary, [...(requested.get(a.summary) ?? []), a]);
  }
  for (const [summary, ids] of bySummary) {
    if (!requested.has(summary))
      violations.push(`action item(s) ${ids.join(",")} nobody asked for`);
    if (ids.length > 1)
      violations.push(`${ids.length} action items for one request (${summary}): ${ids.join(",")}`);
  }
  for (const [summary, attempts] of requested) {
    const ids = bySummary.get(summary) ?? [];
    for (const a of attempts) {
      if (a.outcome !== "answered") continue;
      if (a.fn === "sessionsComplete" && a.status === 200 && ids.length !== 1)
        violations.push(`${label(a)} acknowledged with notifyAgent, ${ids.length} action item(s)`);
      if (a.fn === "sessionsNotifyAgent" && (a.status === 200 || a.status === 201)) {
        const body = a.json;
        const id = typeof body === "object" && body !== null && "id" in body ? body.id : undefined;
        if (ids.length !== 1 || ids[0] !== id)
          violations.push(
            `${label(a)} answered ${a.status} with item ${String(id)}, stored: ${ids.join(",") || "none"}`,
          );
      }
    }
  }
  return violations;
}

/**
 * Policy runs, however interrupted: no quota exceeded, every session in one of the policy's slots
 * (so none twice), no run left Running once the timer continued them, and every session a run
 * created reported by a run (its result), none reported that does not exist.
 */
export async function checkPolicyRuns(env: FaultEnv): Promise<string[]> {
  const violations: string[] = [];
  const { policy } = env.template;
  const period = periodOf(new Date(RUN_PERIOD), policy.quota.period);
  const prefix = slotPrefix(tenant, policy.id, period);
  const sessions = await env.raw.sessions.policySessions(tenant, policy.id, period.key);
  const perAgent = new Map<string, number>();
  for (const { id, agentId } of sessions) {
    perAgent.set(agentId, (perAgent.get(agentId) ?? 0) + 1);
    const slots = Array.from({ length: policy.quota.perAgent }, (_, k) =>
      slotId(prefix, agentId, k + 1),
    );
    if (!slots.includes(id))
      violations.push(`policy session ${id} is in none of ${agentId}'s slots`);
  }
  for (const [agentId, count] of perAgent)
    if (count > policy.quota.perAgent)
      violations.push(`${agentId} has ${count} policy sessions, quota ${policy.quota.perAgent}`);
  const ops = await env.raw.operations.list(tenant, { policyId: policy.id }, { limit: 200 });
  const reported = new Set(ops.items.flatMap((op) => op.created));
  for (const op of ops.items)
    if (op.status === "Running") violations.push(`operation ${op.id} is still Running`);
  const ids = new Set(sessions.map((s) => s.id));
  for (const id of reported)
    if (!ids.has(id)) violations.push(`a run reported session ${id}, which does not exist`);
  for (const id of ids)
    if (!reported.has(id)) violations.push(`policy session ${id} is in no run's result`);
  return violations;
}

/**
 * The analytics read model equals one recomputed from the stored sessions: each counted session
 * held once, at its current version, whatever the deliveries (duplicated, reordered, dropped and
 * replayed, failed half-way).
 */
export async function checkAnalytics(env: FaultEnv): Promise<string[]> {
  const sessions: SessionDocument[] = [];
  const filter = { archived: "all", now: env.app.clock.now().toISOString() } as const;
  let continuationToken: string | undefined;
  do {
    const page = await env.raw.sessions.list(tenant, filter, { limit: 200, continuationToken });
    for (const s of page.items) {
      const doc = (await env.raw.sessions.get(tenant, s.id))?.doc;
      if (doc) sessions.push(doc);
    }
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken);
  return bucketDifferences(
    await storedBuckets(env.raw.analytics, tenant),
    recomputeBuckets(sessions),
  ).map((d) => `analytics: ${d}`);
}

export async function checkHistory(env: FaultEnv, record: HistoryRecord): Promise<string[]> {
  const violations = [
    ...checkStatuses(record),
    ...(await checkWrites(env, record)),
    ...(await checkCompletionEffects(env)),
    ...(await checkActionItems(env, record)),
    ...(await checkHolds(env)),
    ...(await checkHistoryAndVersions(env)),
    ...(await checkPolicyRuns(env)),
    ...(await checkAnalytics(env)),
  ];
  if (record.backgroundFailures >= 1_000)
    violations.push("a sweep or delivery failed after the faults were turned off");
  return violations;
}
