// The scoring engine (docs/scoring.md states the rule, with examples).
//
// Floating point: a weighted mean is computed as Σ(w·s) / Σw and then clamped to the range of
// the scores it averages. Mathematically the mean always lies in that range, so the clamp only
// removes rounding noise, and it makes "every counted score is 100 → exactly 100" hold for any
// weights (0.1·100 + 0.2·100 = 30 but 0.1 + 0.2 = 0.30000000000000004). Every step is a
// monotone floating-point operation, so raising one score never lowers the result.
import { isScored, isScoredGroup } from "./forms.js";
import type { Answer, Answers, FormScore, FormSnapshot, Question, Scores } from "./model.js";
import { own } from "./records.js";

interface Weighted {
  weight: number;
  score: number;
}

/** Σ(w·s)/Σw clamped to [min s, max s]; null when nothing counts. */
export function weightedMean(items: readonly Weighted[]): number | null {
  let numerator = 0;
  let denominator = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const { weight, score } of items) {
    numerator += weight * score;
    denominator += weight;
    min = Math.min(min, score);
    max = Math.max(max, score);
  }
  if (items.length === 0 || !(denominator > 0)) return null;
  return Math.min(max, Math.max(min, numerator / denominator));
}

/**
 * The chosen options of a choice answer, in the question's own order (so the order the client
 * sent them in never changes a multiChoice sum), ignoring unknown and repeated ids.
 */
export function chosenOptions(question: Question, answer: Answer): Question["answers"] {
  if (!("answerIds" in answer)) return [];
  const chosen = new Set(answer.answerIds);
  return question.answers.filter((option) => chosen.has(option.id));
}

/** The score an answer gives its question; null when it does not count (text, N/A, empty). */
export function answerScore(question: Question, answer: Answer): number | null {
  if (!isScored(question)) return null;
  const options = chosenOptions(question, answer);
  if (options.length === 0) return null;
  if (question.type === "multiChoice") {
    // Scores are decimals people typed; rounding the sum to 9 places drops only float noise
    // (75.67 + 24.33 is 99.99999999999999 in binary), so a reachable 100 really is 100.
    const sum = options.reduce((total, option) => total + option.score, 0);
    return Math.min(100, Math.round(sum * 1e9) / 1e9);
  }
  // A single-answer question carries exactly one id once the patch was validated.
  return options[0]?.score ?? null;
}

const choseAutofail = (question: Question, answer: Answer): boolean =>
  isScored(question) && chosenOptions(question, answer).some((option) => option.autofail === true);

/**
 * One form's score. `groups` has an entry for every group with scored questions (null when
 * none of them counts); groups of only text questions are left out: they never have a score.
 */
export function scoreForm(
  form: FormSnapshot,
  answers: Readonly<Record<string, Answer>> | undefined,
): FormScore {
  const groups: Record<string, number | null> = {};
  const countedGroups: Weighted[] = [];
  let autofailed = false;

  for (const group of form.groups) {
    if (!isScoredGroup(group)) continue;
    const counted: Weighted[] = [];
    for (const question of group.questions) {
      const answer = own(answers, question.id);
      if (!answer) continue;
      if (choseAutofail(question, answer)) autofailed = true;
      const score = answerScore(question, answer);
      if (score !== null) counted.push({ weight: question.weight, score });
    }
    const groupScore = weightedMean(counted);
    groups[group.id] = groupScore;
    if (groupScore !== null) countedGroups.push({ weight: group.weight, score: groupScore });
  }

  const score = weightedMean(countedGroups);
  return { score: autofailed ? 0 : score, autofailed, groups };
}

/** Every form's score and the session's: the mean of the forms' non-null scores. */
export function scoreSession(forms: readonly FormSnapshot[], answers: Answers): Scores {
  const scores: Record<string, FormScore> = {};
  const counted: Weighted[] = [];
  for (const form of forms) {
    const formScore = scoreForm(form, own(answers, form.formId));
    scores[form.formId] = formScore;
    if (formScore.score !== null) counted.push({ weight: 1, score: formScore.score });
  }
  return { session: weightedMean(counted), forms: scores };
}

/**
 * Whether an answer answers its question for the "required" rule: N/A counts where it is
 * allowed, a text question needs non-blank text, a choice question a known answer id.
 */
export function isAnswered(question: Question, answer: Answer | undefined): boolean {
  if (!answer) return false;
  if ("na" in answer) return question.naAllowed;
  if (question.type === "text") return "text" in answer && answer.text.trim().length > 0;
  return chosenOptions(question, answer).length > 0;
}

/** The required questions (text ones included) that have no answer, form by form. */
export function missingRequired(
  forms: readonly FormSnapshot[],
  answers: Answers,
): { formId: string; questionId: string }[] {
  const missing: { formId: string; questionId: string }[] = [];
  for (const form of forms) {
    const given = own(answers, form.formId);
    for (const group of form.groups) {
      for (const question of group.questions) {
        if (!question.required) continue;
        const answer = own(given, question.id);
        if (!isAnswered(question, answer)) {
          missing.push({ formId: form.formId, questionId: question.id });
        }
      }
    }
  }
  return missing;
}
