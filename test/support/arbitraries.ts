// Reusable fast-check arbitraries for the domain: valid forms (they always pass
// validateFormInput), their snapshots, and valid answers for a snapshot. Test-only code.
import fc from "fast-check";
import type {
  Answer,
  AnswerOption,
  FormInput,
  FormSnapshot,
  Group,
  Question,
} from "../../shared/domain/model.js";

/** k positive integers summing to exactly 100 (weights without rounding trouble). */
export function arbitraryPartitionOf100(k: number): fc.Arbitrary<number[]> {
  if (k === 1) return fc.constant([100]);
  return fc
    .uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: k - 1, maxLength: k - 1 })
    .map((cuts) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      return [...sorted, 100].map((cut, i) => cut - (i === 0 ? 0 : (sorted[i - 1] ?? 0)));
    });
}

type ScoredType = "yesNo" | "singleChoice" | "multiChoice";
type Draft = Omit<Question, "id" | "weight">;

const answerScore = fc.oneof(
  fc.constantFrom(0, 25, 50, 75, 100),
  fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100),
);

/** Options of a single-answer question: one scores 100; autofail only on others. */
function singleOptions(min: number, max: number): fc.Arbitrary<AnswerOption[]> {
  return fc
    .tuple(
      fc.array(fc.record({ score: answerScore, autofail: fc.boolean() }), {
        minLength: min - 1,
        maxLength: max - 1,
      }),
      fc.nat(),
    )
    .map(([others, at]) => {
      const options = others.map((o, i) => ({
        id: `a${i + 1}`,
        label: `Answer ${i + 1}`,
        score: o.score,
        ...(o.autofail && o.score < 100 ? { autofail: true } : {}),
      }));
      options.splice(at % (options.length + 1), 0, { id: "a0", label: "Best", score: 100 });
      return options;
    });
}

/** Options of a multiChoice question whose non-autofail scores sum to at least 100. */
const multiOptions: fc.Arbitrary<AnswerOption[]> = fc
  .array(fc.record({ score: answerScore, autofail: fc.boolean() }), {
    minLength: 1,
    maxLength: 5,
  })
  .map((drafts) => {
    const options: AnswerOption[] = drafts.map((d, i) => ({
      id: `m${i}`,
      label: `Option ${i}`,
      score: d.score,
      // The first option never autofails, so the sum can always be raised to 100.
      ...(d.autofail && i > 0 ? { autofail: true } : {}),
    }));
    let deficit = 100 - options.filter((o) => !o.autofail).reduce((s, o) => s + o.score, 0);
    for (const option of options) {
      if (deficit <= 0) break;
      if (option.autofail) continue;
      const raise = Math.min(100 - option.score, deficit);
      option.score += raise;
      deficit -= raise;
    }
    return options;
  });

const scoredQuestion: fc.Arbitrary<Draft> = fc
  .constantFrom<ScoredType>("yesNo", "singleChoice", "multiChoice")
  .chain((type) =>
    fc.record({
      text: fc.constant(`A ${type} question`),
      type: fc.constant(type),
      required: fc.boolean(),
      naAllowed: fc.boolean(),
      answers:
        type === "yesNo"
          ? singleOptions(2, 2)
          : type === "singleChoice"
            ? singleOptions(1, 5)
            : multiOptions,
    }),
  );

const textQuestion: fc.Arbitrary<Draft> = fc.record({
  text: fc.constant("Notes"),
  type: fc.constant("text" as const),
  required: fc.boolean(),
  naAllowed: fc.constant(false),
  answers: fc.constant([]),
});

/** A group's questions: 1–4 scored ones (weights summing to 100) with text ones mixed in. */
const scoredGroupQuestions: fc.Arbitrary<Draft[]> = fc
  .tuple(
    fc.array(scoredQuestion, { minLength: 1, maxLength: 4 }),
    fc.array(fc.tuple(textQuestion, fc.nat()), { maxLength: 2 }),
  )
  .map(([scored, texts]) => {
    const all = [...scored];
    for (const [text, at] of texts) all.splice(at % (all.length + 1), 0, text);
    return all;
  });

export interface FormArbitraryOptions {
  maxGroups?: number;
  /** Add groups that hold only text questions (weight 0). Default true. */
  textGroups?: boolean;
}

/** A form definition that always passes validateFormInput. Ids are unique across the form. */
export function arbitraryForm(options: FormArbitraryOptions = {}): fc.Arbitrary<FormInput> {
  const maxGroups = options.maxGroups ?? 4;
  return fc
    .integer({ min: 1, max: maxGroups })
    .chain((groupCount) =>
      fc.tuple(
        arbitraryPartitionOf100(groupCount),
        fc.array(scoredGroupQuestions, { minLength: groupCount, maxLength: groupCount }),
        options.textGroups === false
          ? fc.constant([])
          : fc.array(fc.tuple(fc.array(textQuestion, { minLength: 1, maxLength: 2 }), fc.nat()), {
              maxLength: 1,
            }),
      ),
    )
    .chain(([groupWeights, groupDrafts, textGroups]) =>
      fc
        .tuple(
          ...groupDrafts.map((drafts) =>
            arbitraryPartitionOf100(drafts.filter((d) => d.type !== "text").length),
          ),
        )
        .map((questionWeights) => {
          let next = 0;
          const groups: Group[] = groupDrafts.map((drafts, g) => {
            const weights = [...(questionWeights[g] ?? [])];
            return {
              id: `g${g}`,
              name: `Group ${g}`,
              weight: groupWeights[g] ?? 0,
              questions: drafts.map((draft) => ({
                ...draft,
                id: `q${next++}`,
                weight: draft.type === "text" ? 0 : (weights.shift() ?? 0),
              })),
            };
          });
          textGroups.forEach(([drafts, at], t) => {
            groups.splice(at % (groups.length + 1), 0, {
              id: `t${t}`,
              name: "Comments",
              weight: 0,
              questions: drafts.map((draft) => ({ ...draft, id: `q${next++}`, weight: 0 })),
            });
          });
          return { name: "Generated form", groups };
        }),
    );
}

export function snapshotFrom(input: FormInput, formId = "f1", version = 1): FormSnapshot {
  return { formId, version, name: input.name, groups: input.groups };
}

export function arbitraryFormSnapshot(formId = "f1"): fc.Arbitrary<FormSnapshot> {
  return arbitraryForm().map((input) => snapshotFrom(input, formId));
}

export const allQuestions = (form: Pick<FormSnapshot, "groups">): Question[] =>
  form.groups.flatMap((group) => group.questions);

/** One valid answer for a question (never N/A where it is not allowed). */
export function arbitraryAnswerFor(question: Question): fc.Arbitrary<Answer> {
  const na = question.naAllowed ? [fc.constant<Answer>({ na: true })] : [];
  if (question.type === "text") {
    return fc.oneof(
      fc.string({ maxLength: 20 }).map((text): Answer => ({ text })),
      ...na,
    );
  }
  const ids = question.answers.map((option) => option.id);
  const chosen: fc.Arbitrary<Answer> =
    question.type === "multiChoice"
      ? fc.subarray(ids, { minLength: 1 }).map((answerIds) => ({ answerIds }))
      : fc.constantFrom(...ids).map((id) => ({ answerIds: [id] }));
  return fc.oneof(chosen, ...na);
}

/** Valid answers for some of the form's questions (each question answered or left out). */
export function arbitraryAnswersFor(form: FormSnapshot): fc.Arbitrary<Record<string, Answer>> {
  const questions = allQuestions(form);
  return fc
    .tuple(...questions.map((q) => fc.option(arbitraryAnswerFor(q), { nil: undefined })))
    .map((answers) => {
      const entries: [string, Answer][] = [];
      answers.forEach((answer, i) => {
        const question = questions[i];
        if (answer && question) entries.push([question.id, answer]);
      });
      return Object.fromEntries(entries);
    });
}
