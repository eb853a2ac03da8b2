// What a session's history and versions record (docs/api.md "History and versions"): one entry
// per user write, made by the write itself and kept in the session document until the outbox
// moves it to its own container; a version snapshot for each completion and each change to a
// completed session.
import { sameAnswer } from "./answers.js";
import type {
  Answers,
  HistoryAction,
  HistoryEntry,
  SessionDocument,
  VersionCause,
  VersionSnapshot,
} from "./model.js";

/** Every answer that differs between two answer sets, as stored (`null`: none). */
export function answerChanges(before: Answers, after: Answers): HistoryEntry["changes"] {
  const changes: HistoryEntry["changes"] = [];
  const formIds = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const formId of formIds) {
    const was = before[formId] ?? {};
    const now = after[formId] ?? {};
    const questionIds = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
    for (const questionId of questionIds) {
      const from = was[questionId] ?? null;
      const to = now[questionId] ?? null;
      if (!sameAnswer(from, to)) changes.push({ formId, questionId, from, to });
    }
  }
  return changes;
}

/** The entry a write from `before` to `after` (its new revision) records. */
export function historyEntry(
  before: Pick<SessionDocument, "answers" | "scores"> | undefined,
  after: Pick<SessionDocument, "answers" | "scores" | "revision">,
  action: HistoryAction,
  by: string,
  at: string,
  reason?: string,
): HistoryEntry {
  const from = before?.scores.session ?? null;
  const to = after.scores.session;
  return {
    revision: after.revision,
    at,
    by,
    action,
    ...(reason !== undefined ? { reason } : {}),
    changes: answerChanges(before?.answers ?? {}, after.answers),
    ...(before !== undefined && from !== to ? { score: { from, to } } : {}),
  };
}

/** What the session says now, as version `version`. */
export function versionSnapshot(
  doc: Pick<SessionDocument, "answers" | "scores">,
  version: number,
  cause: VersionCause,
  by: string,
  at: string,
  reason?: string,
): VersionSnapshot {
  return {
    version,
    createdAt: at,
    createdBy: by,
    cause,
    ...(reason !== undefined ? { reason } : {}),
    score: doc.scores.session,
    answers: doc.answers,
    scores: doc.scores,
  };
}

/** A version as the API lists it: retracted by the next one, when the next one was made. */
export function withRetraction<V extends { version: number; createdAt: string }>(
  newestFirst: readonly V[],
): (V & { retractedAt?: string })[] {
  return newestFirst.map((version, i) => {
    const next = newestFirst[i - 1];
    return next ? { ...version, retractedAt: next.createdAt } : version;
  });
}
