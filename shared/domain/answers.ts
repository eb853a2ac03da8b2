// Saving answers: the patch the UI sends (PUT /sessions/{id}/answers), its checks against the
// session's form snapshots, the merge, and the "Default scores to 100%" answers.
import { z } from "zod";
import type { FieldError } from "./errors.js";
import { isScored } from "./forms.js";
import { idSchema } from "./ids.js";
import {
  answerSchema,
  type Answer,
  type Answers,
  type FormSnapshot,
  type Question,
} from "./model.js";
import { own } from "./records.js";

/**
 * Whether two answers say the same: the same chosen answers in any order (their order is no
 * choice: scoring and calibration ignore it too), both N/A, or the same text.
 */
export function sameAnswer(a: Answer | null | undefined, b: Answer | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  if ("answerIds" in a && "answerIds" in b) {
    const sorted = (ids: readonly string[]) => [...new Set(ids)].sort().join("\u0000");
    return sorted(a.answerIds) === sorted(b.answerIds);
  }
  if ("na" in a && "na" in b) return true;
  if ("text" in a && "text" in b) return a.text === b.text;
  return false;
}

/** Whether two answer sets say the same, question by question. */
export function sameAnswers(a: Answers, b: Answers): boolean {
  for (const formId of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = own(a, formId);
    const y = own(b, formId);
    for (const questionId of new Set([...Object.keys(x ?? {}), ...Object.keys(y ?? {})])) {
      if (!sameAnswer(own(x, questionId), own(y, questionId))) return false;
    }
  }
  return true;
}

/** formId → (questionId → answer, or null to clear it), or null to clear the whole form. */
export type AnswersPatch = Record<string, Record<string, Answer | null> | null>;

export const answersPatchSchema = z.record(
  idSchema,
  z.record(idSchema, answerSchema.nullable()).nullable(),
);

export function questionsById(form: FormSnapshot): Map<string, Question> {
  const byId = new Map<string, Question>();
  for (const group of form.groups) for (const q of group.questions) byId.set(q.id, q);
  return byId;
}

/** What is wrong with `answer` as an answer to `question` (paths start at `path`). */
export function validateAnswer(question: Question, answer: Answer, path: string): FieldError[] {
  if ("na" in answer) {
    return question.naAllowed ? [] : [{ path: `${path}.na`, message: "N/A is not allowed here" }];
  }
  if ("text" in answer) {
    return question.type === "text"
      ? []
      : [{ path, message: "a choice question is answered with answerIds, not text" }];
  }
  if (question.type === "text") {
    return [{ path, message: "a text question is answered with text, not answerIds" }];
  }
  const errors: FieldError[] = [];
  if (answer.answerIds.length === 0) {
    errors.push({ path: `${path}.answerIds`, message: "choose at least one answer" });
  }
  if (question.type !== "multiChoice" && answer.answerIds.length > 1) {
    errors.push({ path: `${path}.answerIds`, message: "this question takes a single answer" });
  }
  const known = new Set(question.answers.map((option) => option.id));
  const seen = new Set<string>();
  answer.answerIds.forEach((id, i) => {
    if (!known.has(id)) {
      errors.push({ path: `${path}.answerIds.${i}`, message: `unknown answer "${id}"` });
    } else if (seen.has(id)) {
      errors.push({ path: `${path}.answerIds.${i}`, message: `answer "${id}" is chosen twice` });
    }
    seen.add(id);
  });
  return errors;
}

/** Checks a patch against the session's forms; paths look like `answers.<formId>.<questionId>`. */
export function validateAnswersPatch(
  forms: readonly FormSnapshot[],
  patch: AnswersPatch,
): FieldError[] {
  const errors: FieldError[] = [];
  const formsById = new Map(forms.map((form) => [form.formId, form]));
  for (const [formId, formPatch] of Object.entries(patch)) {
    const form = formsById.get(formId);
    if (!form) {
      errors.push({ path: `answers.${formId}`, message: `the session has no form "${formId}"` });
      continue;
    }
    if (formPatch === null) continue;
    const questions = questionsById(form);
    for (const [questionId, answer] of Object.entries(formPatch)) {
      const path = `answers.${formId}.${questionId}`;
      const question = questions.get(questionId);
      if (!question) {
        errors.push({ path, message: `form "${formId}" has no question "${questionId}"` });
        continue;
      }
      if (answer !== null) errors.push(...validateAnswer(question, answer, path));
    }
  }
  return errors;
}

/**
 * Applies a patch without touching its inputs. Objects are built with Object.fromEntries, which
 * defines own properties, so even a key that slipped past idSchema could not reach a prototype.
 * A form left without answers disappears, so clearing and never answering look the same.
 */
export function mergeAnswers(current: Answers, patch: AnswersPatch): Answers {
  const forms = new Map<string, Map<string, Answer>>(
    Object.entries(current).map(([formId, answers]) => [formId, new Map(Object.entries(answers))]),
  );
  for (const [formId, formPatch] of Object.entries(patch)) {
    if (formPatch === null) {
      forms.delete(formId);
      continue;
    }
    const answers = forms.get(formId) ?? new Map<string, Answer>();
    for (const [questionId, answer] of Object.entries(formPatch)) {
      if (answer === null) answers.delete(questionId);
      else answers.set(questionId, answer);
    }
    forms.set(formId, answers);
  }
  return Object.fromEntries(
    [...forms]
      .filter(([, answers]) => answers.size > 0)
      .map(([formId, answers]) => [formId, Object.fromEntries(answers)]),
  );
}

/** The best answers of a question, or undefined when it must be answered by a person. */
function bestAnswer(question: Question): Answer | undefined {
  if (!isScored(question) || question.answers.some((option) => option.autofail === true)) {
    return undefined;
  }
  if (question.type === "multiChoice") {
    const ids = question.answers.filter((option) => option.score > 0).map((option) => option.id);
    return ids.length > 0 ? { answerIds: ids } : undefined;
  }
  // The highest-scoring answer, the first one on ties.
  let best = question.answers[0];
  for (const option of question.answers) if (best && option.score > best.score) best = option;
  return best ? { answerIds: [best.id] } : undefined;
}

/**
 * "Default scores to 100%": every scored question without an autofail answer gets its best
 * answers; questions that can autofail are left for the evaluator.
 */
export function defaultAnswers(forms: readonly FormSnapshot[]): Answers {
  const entries: [string, Record<string, Answer>][] = [];
  for (const form of forms) {
    const answers: [string, Answer][] = [];
    for (const group of form.groups) {
      for (const question of group.questions) {
        const best = bestAnswer(question);
        if (best) answers.push([question.id, best]);
      }
    }
    if (answers.length > 0) entries.push([form.formId, Object.fromEntries(answers)]);
  }
  return Object.fromEntries(entries);
}
