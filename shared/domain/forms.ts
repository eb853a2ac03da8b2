// The cross-field rules of a form definition (docs/api.md "Forms") that a zod shape cannot
// express, publishing a form's versions, and the snapshot a session keeps of the version it was
// created with.
import type { Actor } from "./access.js";
import type { FieldError } from "./errors.js";
import type { Form, FormInput, FormSnapshot, Group, Question } from "./model.js";
import { accept, inputOf, type ChangeRequest, type Parsed } from "./requests.js";

/** Weights are entered by people as decimals; sums like 33.3 + 33.3 + 33.4 must count as 100. */
const WEIGHT_TOLERANCE = 1e-9;

export const isScored = (question: Pick<Question, "type">): boolean => question.type !== "text";

/** A group that holds at least one scored question; the others carry no weight. */
export const isScoredGroup = (group: Pick<Group, "questions">): boolean =>
  group.questions.some(isScored);

const sumsTo100 = (values: readonly number[]): boolean =>
  Math.abs(values.reduce((sum, v) => sum + v, 0) - 100) <= WEIGHT_TOLERANCE;

function validateQuestion(question: Question, path: string, errors: FieldError[]): void {
  const add = (suffix: string, message: string) =>
    errors.push({ path: suffix ? `${path}.${suffix}` : path, message });

  const seen = new Set<string>();
  question.answers.forEach((answer, k) => {
    if (seen.has(answer.id)) add(`answers.${k}.id`, `duplicate answer id "${answer.id}"`);
    seen.add(answer.id);
    // zod checks the range on input; repeated here because stored forms are parsed cheaply.
    if (!(answer.score >= 0 && answer.score <= 100)) {
      add(`answers.${k}.score`, "must be between 0 and 100");
    }
  });

  if (question.type === "text") {
    if (question.weight !== 0) add("weight", "a text question is not scored: its weight must be 0");
    if (question.answers.length > 0) add("answers", "a text question has no answers");
    if (question.naAllowed) add("naAllowed", "a text question cannot be answered N/A");
    return;
  }

  // A scored question with weight 0 would make its group's score 0/0 when it is the only one
  // answered, so scored questions must weigh something.
  if (!(question.weight > 0)) add("weight", "a scored question must have a weight above 0");
  if (question.answers.length === 0) {
    add("answers", "a scored question needs at least one answer");
    return;
  }
  if (question.type === "yesNo" && question.answers.length < 2) {
    add("answers", "a yes/no question needs at least two answers");
  }
  if (question.type === "multiChoice") {
    const reachable = question.answers
      .filter((a) => !a.autofail)
      .reduce((sum, a) => sum + a.score, 0);
    if (reachable < 100 - WEIGHT_TOLERANCE) {
      add("answers", "the scores of the answers that do not autofail must sum to at least 100");
    }
  } else if (!question.answers.some((a) => a.score === 100)) {
    add("answers", "one answer must score 100");
  }
}

/**
 * The cross-field rules of a form definition. Paths are dotted from the body's root
 * (`groups.0.questions.1.weight`); an empty list means the form is valid.
 */
export function validateFormInput(input: FormInput): FieldError[] {
  const errors: FieldError[] = [];
  const groupIds = new Set<string>();
  // Answers are keyed by questionId per form, so question ids are unique across the form.
  const questionIds = new Set<string>();
  const scoredGroupWeights: number[] = [];

  input.groups.forEach((group, g) => {
    const groupPath = `groups.${g}`;
    if (groupIds.has(group.id)) {
      errors.push({ path: `${groupPath}.id`, message: `duplicate group id "${group.id}"` });
    }
    groupIds.add(group.id);

    group.questions.forEach((question, q) => {
      const questionPath = `${groupPath}.questions.${q}`;
      if (questionIds.has(question.id)) {
        errors.push({
          path: `${questionPath}.id`,
          message: `duplicate question id "${question.id}" (question ids are unique in a form)`,
        });
      }
      questionIds.add(question.id);
      validateQuestion(question, questionPath, errors);
    });

    const scored = group.questions.filter(isScored);
    if (scored.length === 0) {
      if (group.weight !== 0) {
        errors.push({
          path: `${groupPath}.weight`,
          message: "a group of only text questions is not scored: its weight must be 0",
        });
      }
      return;
    }
    scoredGroupWeights.push(group.weight);
    if (!(group.weight > 0)) {
      errors.push({
        path: `${groupPath}.weight`,
        message: "a group with scored questions must have a weight above 0",
      });
    }
    if (!sumsTo100(scored.map((question) => question.weight))) {
      errors.push({
        path: `${groupPath}.questions`,
        message: "the weights of the group's scored questions must sum to 100",
      });
    }
  });

  if (!sumsTo100(scoredGroupWeights)) {
    errors.push({
      path: "groups",
      message:
        scoredGroupWeights.length === 0
          ? "a form needs at least one scored question"
          : "the weights of the groups with scored questions must sum to 100",
    });
  }
  return errors;
}

/** The immutable copy of a form version that a session is scored against. */
export function snapshotOf(form: Form): FormSnapshot {
  return {
    formId: form.id,
    version: form.version,
    name: form.name,
    groups: structuredClone(form.groups),
  };
}

const invalidForm = "The form definition is not valid.";

/** A new form, version 1. */
export function newForm(actor: Actor, input: Parsed<FormInput>, id: string, now: Date): Form {
  const definition = inputOf(input, validateFormInput, invalidForm);
  const at = now.toISOString();
  return {
    ...definition,
    id,
    tenantId: actor.tenantId,
    version: 1,
    createdAt: at,
    createdBy: actor.userId,
    updatedAt: at,
    updatedBy: actor.userId,
  };
}

/** The next version of a form; sessions keep the version they were created with. */
export function reviseForm(
  form: Form,
  actor: Actor,
  request: ChangeRequest<FormInput>,
  now: Date,
): Form {
  const definition = accept(request, form.version, validateFormInput, invalidForm);
  return {
    ...form,
    ...definition,
    version: form.version + 1,
    updatedAt: now.toISOString(),
    updatedBy: actor.userId,
  };
}
