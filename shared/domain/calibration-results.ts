// The results of a calibration (docs/api.md "Calibrations", docs/calibration.md): how far its
// evaluators agree with each other (chance-corrected, by Krippendorff's alpha) and with its
// expert. Only Completed, non-archived sessions are compared; every session is a participant.
import {
  bootstrapInterval,
  krippendorffAlpha,
  percentAgreement,
  summarizeScores,
  type Rating,
  type ScoreSummary,
} from "./agreement.js";
import { isCompared, type Calibration, type CalibrationSession } from "./calibration.js";
import { isScored } from "./forms.js";
import type { Answer, DisplayStatus, FormSnapshot } from "./model.js";
import { byCodeUnit, own } from "./records.js";
import { displayStatus } from "./session.js";

/** A value as the results show it: the chosen answers, or N/A. */
export type RatedAnswer = { answerIds: string[] } | { na: true };

/** A unit: a scored question of the calibration's forms. */
interface Unit {
  formId: string;
  questionId: string;
  text: string;
}

/** A completed, non-archived session, the one of its evaluator that is compared. */
interface Rater {
  evaluatorId: string;
  score: number | null;
  answers: CalibrationSession["answers"];
}

/** Units in the forms' order, raters by evaluatorId, and each rater's answer to each unit. */
interface Ratings {
  units: Unit[];
  raters: Rater[];
  /** unit × rater */
  answers: (RatedAnswer | null)[][];
  ratings: Rating[][];
}

function unitsOf(forms: readonly FormSnapshot[]): Unit[] {
  return forms.flatMap((form) =>
    form.groups.flatMap((group) =>
      group.questions
        .filter(isScored)
        .map((q) => ({ formId: form.formId, questionId: q.id, text: q.text })),
    ),
  );
}

/**
 * One rater per evaluator. Two counted sessions of one evaluator cannot be made through the
 * API's creation rules; should a reassignment make them, the first by session id is compared.
 */
function ratersOf(sessions: readonly CalibrationSession[]): Rater[] {
  const byEvaluator = new Map<string, CalibrationSession>();
  for (const session of [...sessions].sort((a, b) => byCodeUnit(a.id, b.id))) {
    if (!isCompared(session) || session.evaluatorId === null) continue;
    if (!byEvaluator.has(session.evaluatorId)) byEvaluator.set(session.evaluatorId, session);
  }
  return [...byEvaluator.entries()]
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([evaluatorId, s]) => ({ evaluatorId, score: s.score, answers: s.answers }));
}

/** A stored answer as a value: N/A, or the set of chosen answers; anything else is missing. */
function ratedAnswer(answer: Answer | undefined): RatedAnswer | null {
  if (answer === undefined) return null;
  if ("na" in answer) return { na: true };
  if ("answerIds" in answer && answer.answerIds.length > 0) return { answerIds: answer.answerIds };
  return null;
}

/** The comparable key of a value: N/A, or the chosen answers sorted (their order is no choice). */
function ratingOf(answer: RatedAnswer | null): Rating {
  if (answer === null) return null;
  if ("na" in answer) return "NA";
  return JSON.stringify([...new Set(answer.answerIds)].sort(byCodeUnit));
}

function answerTo(rater: Rater, unit: Unit): RatedAnswer | null {
  return ratedAnswer(own(own(rater.answers, unit.formId), unit.questionId));
}

function ratingsOf(
  calibration: Pick<Calibration, "forms">,
  sessions: readonly CalibrationSession[],
): Ratings {
  const units = unitsOf(calibration.forms);
  const raters = ratersOf(sessions);
  const answers = units.map((unit) => raters.map((rater) => answerTo(rater, unit)));
  return { units, raters, answers, ratings: answers.map((row) => row.map(ratingOf)) };
}

// ---------- the expert ----------

/** How one evaluator compares with the expert in one calibration. */
export interface ExpertComparison {
  score: number | null;
  expertScore: number | null;
  /** Units the expert answered where this evaluator gave the same value. */
  matches: number;
  /** Units the expert answered. */
  expertUnits: number;
}

/** Each other rater against the expert; null when the expert has no counted session. */
function expertComparisons(
  r: Ratings,
  expertId: string | null,
): Map<string, ExpertComparison> | null {
  const e = r.raters.findIndex((rater) => rater.evaluatorId === expertId);
  const expert = r.raters[e];
  if (!expert) return null;
  const result = new Map<string, ExpertComparison>();
  for (const [i, rater] of r.raters.entries()) {
    if (i === e) continue;
    let matches = 0;
    let expertUnits = 0;
    for (const row of r.ratings) {
      const expected = row[e] ?? null;
      if (expected === null) continue;
      expertUnits += 1;
      if (row[i] === expected) matches += 1;
    }
    result.set(rater.evaluatorId, {
      score: rater.score,
      expertScore: expert.score,
      matches,
      expertUnits,
    });
  }
  return result;
}

/** Every evaluator's comparison with the calibration's expert (null: no counted expert session). */
export function compareWithExpert(
  calibration: Pick<Calibration, "forms" | "expertEvaluatorId">,
  sessions: readonly CalibrationSession[],
): Map<string, ExpertComparison> | null {
  return expertComparisons(ratingsOf(calibration, sessions), calibration.expertEvaluatorId);
}

const difference = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : a - b;

// ---------- the results ----------

export interface CalibrationResults {
  calibrationId: string;
  interactionId: string;
  formIds: string[];
  expertEvaluatorId: string | null;
  blind: boolean;
  participants: {
    evaluatorId: string | null;
    sessionId: string;
    status: DisplayStatus;
    score: number | null;
  }[];
  completed: number;
  score: ScoreSummary | null;
  agreement: {
    krippendorffAlpha: number | null;
    ci95: [number, number] | null;
    percent: number | null;
    units: number;
  };
  questions: {
    formId: string;
    questionId: string;
    text: string;
    answers: Record<string, RatedAnswer | null>;
    percent: number | null;
    expert: RatedAnswer | null;
    deviatesFromExpert: string[] | null;
  }[];
  evaluators: {
    evaluatorId: string;
    score: number | null;
    deviationFromMean: number | null;
    deviationFromExpert: number | null;
    expertMatchRate: number | null;
  }[];
}

/** Alpha and its interval over the units ordered by (formId, questionId). */
function agreementOf(r: Ratings): CalibrationResults["agreement"] {
  const order = r.units
    .map((unit, i) => ({ unit, i }))
    .sort(
      (a, b) =>
        byCodeUnit(a.unit.formId, b.unit.formId) ||
        byCodeUnit(a.unit.questionId, b.unit.questionId),
    );
  const data = order.map(({ i }) => r.ratings[i] ?? []);
  const percent = percentAgreement(data);
  if (r.raters.length < 2) {
    return { krippendorffAlpha: null, ci95: null, percent, units: 0 };
  }
  const { alpha, pairableUnits } = krippendorffAlpha(data);
  return {
    krippendorffAlpha: alpha,
    ci95: alpha === null ? null : bootstrapInterval(data),
    percent,
    units: pairableUnits,
  };
}

export function calibrationResults(
  calibration: Calibration,
  sessions: readonly CalibrationSession[],
  now: Date,
): CalibrationResults {
  const r = ratingsOf(calibration, sessions);
  const scores = r.raters.flatMap((rater) => (rater.score === null ? [] : [rater.score]));
  const score = r.raters.length === 0 ? null : summarizeScores(scores);
  const expertId = calibration.expertEvaluatorId;
  const vsExpert = expertComparisons(r, expertId);
  const e = vsExpert ? r.raters.findIndex((rater) => rater.evaluatorId === expertId) : -1;

  const participants = [...sessions]
    .sort((a, b) => byCodeUnit(a.evaluatorId ?? "", b.evaluatorId ?? "") || byCodeUnit(a.id, b.id))
    .map((s) => ({
      evaluatorId: s.evaluatorId,
      sessionId: s.id,
      status: displayStatus(s, now),
      // No live scores: a session's score shows once it is completed.
      score: s.state === "Completed" ? s.score : null,
    }));

  const questions = r.units.map((unit, u) => {
    const answers = r.answers[u] ?? [];
    const ratings = r.ratings[u] ?? [];
    const expected = e >= 0 ? (ratings[e] ?? null) : null;
    return {
      ...unit,
      answers: Object.fromEntries(
        r.raters.map((rater, i) => [rater.evaluatorId, answers[i] ?? null]),
      ),
      percent: percentAgreement([ratings]),
      expert: e >= 0 ? (answers[e] ?? null) : null,
      deviatesFromExpert:
        e < 0
          ? null
          : expected === null
            ? []
            : r.raters.flatMap((rater, i) =>
                i !== e && ratings[i] !== expected ? [rater.evaluatorId] : [],
              ),
    };
  });

  const evaluators = r.raters.map((rater) => {
    const vs = vsExpert?.get(rater.evaluatorId);
    return {
      evaluatorId: rater.evaluatorId,
      score: rater.score,
      deviationFromMean: difference(rater.score, score?.mean ?? null),
      deviationFromExpert: vs ? difference(vs.score, vs.expertScore) : null,
      expertMatchRate: vs && vs.expertUnits > 0 ? vs.matches / vs.expertUnits : null,
    };
  });

  return {
    calibrationId: calibration.id,
    interactionId: calibration.interactionId,
    formIds: calibration.formIds,
    expertEvaluatorId: expertId,
    blind: calibration.blind,
    participants,
    completed: sessions.filter(isCompared).length,
    score,
    agreement: agreementOf(r),
    questions,
    evaluators,
  };
}
