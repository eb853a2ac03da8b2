import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Answer, FormSnapshot, Question } from "./model.js";
import { answerScore, missingRequired, scoreForm, scoreSession, weightedMean } from "./scoring.js";
import {
  allQuestions,
  arbitraryAnswersFor,
  arbitraryFormSnapshot,
} from "../../test/support/arbitraries.js";
import { customerCareSnapshot } from "../../test/support/domain-fixtures.js";

const yesNo = (id: string, weight: number, naAllowed = true): Question => ({
  id,
  text: id,
  type: "yesNo",
  required: true,
  weight,
  naAllowed,
  answers: [
    { id: "yes", label: "Yes", score: 100 },
    { id: "no", label: "No", score: 0 },
  ],
});

const multi: Question = {
  id: "m",
  text: "m",
  type: "multiChoice",
  required: false,
  weight: 100,
  naAllowed: false,
  answers: [
    { id: "a", label: "a", score: 70 },
    { id: "b", label: "b", score: 50 },
    { id: "c", label: "c", score: 0.1 },
    { id: "d", label: "d", score: 0.2 },
    { id: "x", label: "x", score: 0, autofail: true },
  ],
};

/** the rule's example: groups A 40 / B 60; A: q1 w50, q2 w50; B: q3 w100. */
const designExample: FormSnapshot = {
  formId: "f",
  version: 1,
  name: "Example",
  groups: [
    { id: "A", name: "A", weight: 40, questions: [yesNo("q1", 50), yesNo("q2", 50)] },
    { id: "B", name: "B", weight: 60, questions: [yesNo("q3", 100)] },
  ],
};

describe("answerScore", () => {
  it("is the chosen answer's score for single-answer questions", () => {
    expect(answerScore(yesNo("q", 100), { answerIds: ["no"] })).toBe(0);
    expect(answerScore(yesNo("q", 100), { answerIds: ["yes"] })).toBe(100);
  });
  it("sums multiChoice answers and caps the sum at 100", () => {
    expect(answerScore(multi, { answerIds: ["b", "c"] })).toBeCloseTo(50.1, 10);
    expect(answerScore(multi, { answerIds: ["a", "b"] })).toBe(100);
  });
  it("gives exactly 100 when decimal scores sum to 100 (75.67 + 24.33 is not 100 in binary)", () => {
    const options = {
      ...multi,
      answers: [
        { id: "m0", label: "Option 0", score: 75.66999999999999 },
        { id: "m1", label: "Option 1", score: 24.33 },
      ],
    };
    expect(75.66999999999999 + 24.33).not.toBe(100);
    expect(answerScore(options, { answerIds: ["m0", "m1"] })).toBe(100);
  });
  it("is null for N/A, text questions and an empty choice", () => {
    expect(answerScore(yesNo("q", 100), { na: true })).toBeNull();
    expect(answerScore({ ...multi, type: "text", answers: [] }, { text: "fine" })).toBeNull();
    expect(answerScore(multi, { answerIds: [] })).toBeNull();
  });
});

describe("scoreForm", () => {
  it("the rule's example: A = 50, B drops out (null), form = 50", () => {
    const result = scoreForm(designExample, {
      q1: { answerIds: ["yes"] },
      q2: { answerIds: ["no"] },
      q3: { na: true },
    });
    expect(result).toEqual({ score: 50, autofailed: false, groups: { A: 50, B: null } });
  });

  it("shares an unanswered question's weight with the counted ones in proportion", () => {
    const form: FormSnapshot = {
      ...designExample,
      groups: [
        {
          id: "A",
          name: "A",
          weight: 100,
          questions: [yesNo("q1", 20), yesNo("q2", 30), yesNo("q3", 50)],
        },
      ],
    };
    // q3 unanswered: q1 and q2 count 20:30 → (20·0 + 30·100) / 50 = 60.
    expect(scoreForm(form, { q1: { answerIds: ["no"] }, q2: { answerIds: ["yes"] } }).score).toBe(
      60,
    );
  });

  it("has a null score when nothing counts, and lists every scored group as null", () => {
    expect(scoreForm(designExample, undefined)).toEqual({
      score: null,
      autofailed: false,
      groups: { A: null, B: null },
    });
  });

  it("leaves groups of only text questions out of `groups`", () => {
    const scores = scoreForm(
      {
        ...designExample,
        groups: [
          ...designExample.groups,
          {
            id: "T",
            name: "T",
            weight: 0,
            questions: [{ ...yesNo("t", 0), type: "text", answers: [], naAllowed: false }],
          },
        ],
      },
      { q1: { answerIds: ["yes"] }, t: { text: "ok" } },
    );
    expect(Object.keys(scores.groups)).toEqual(["A", "B"]);
    expect(scores.score).toBe(100);
  });

  it("an autofail answer sets the form to 0 and autofailed, groups keep their own scores", () => {
    const result = scoreForm(customerCareSnapshot, {
      greet: { answerIds: ["yes"] },
      verify: { answerIds: ["none"] },
      resolved: { answerIds: ["yes"] },
    });
    expect(result).toEqual({ score: 0, autofailed: true, groups: { opening: 50, close: 100 } });
  });

  it("computes docs/api.md's form: greet yes, verify N/A, resolved no → 40", () => {
    const result = scoreForm(customerCareSnapshot, {
      greet: { answerIds: ["yes"] },
      verify: { na: true },
      resolved: { answerIds: ["no"] },
    });
    expect(result).toEqual({ score: 40, autofailed: false, groups: { opening: 100, close: 0 } });
  });

  it("ignores answers keyed by inherited property names", () => {
    const answers: Record<string, Answer> = JSON.parse('{"q1":{"answerIds":["yes"]}}');
    expect(scoreForm(designExample, answers).score).toBe(100);
    expect(
      scoreForm(
        {
          ...designExample,
          groups: [{ ...designExample.groups[0]!, questions: [yesNo("toString", 100)] }],
        },
        {},
      ).score,
    ).toBeNull();
  });
});

describe("weightedMean", () => {
  it("gives exactly 100 for all-100 scores whatever the weights", () => {
    expect(
      weightedMean([
        { weight: 0.1, score: 100 },
        { weight: 0.2, score: 100 },
      ]),
    ).toBe(100);
  });
});

describe("scoreSession", () => {
  it("is the mean of the non-null form scores", () => {
    const second: FormSnapshot = { ...designExample, formId: "g" };
    const third: FormSnapshot = { ...designExample, formId: "h" };
    const scores = scoreSession([designExample, second, third], {
      f: { q1: { answerIds: ["yes"] } },
      g: { q1: { answerIds: ["no"] }, q3: { answerIds: ["yes"] } },
    });
    expect(scores.forms.f?.score).toBe(100);
    expect(scores.forms.g?.score).toBe(60);
    expect(scores.forms.h?.score).toBeNull();
    expect(scores.session).toBe(80);
  });
  it("is null when no form has a score", () => {
    expect(scoreSession([designExample], {}).session).toBeNull();
  });
});

describe("missingRequired", () => {
  const withRequiredText: FormSnapshot = {
    ...customerCareSnapshot,
    groups: customerCareSnapshot.groups.map((g) => ({
      ...g,
      questions: g.questions.map((q) => (q.type === "text" ? { ...q, required: true } : q)),
    })),
  };
  it("lists required questions without an answer; N/A answers where allowed", () => {
    expect(
      missingRequired([customerCareSnapshot], {
        care: { greet: { answerIds: ["yes"] }, verify: { na: true } },
      }),
    ).toEqual([{ formId: "care", questionId: "resolved" }]);
  });
  it("does not count N/A where it is not allowed", () => {
    expect(
      missingRequired([customerCareSnapshot], { care: { greet: { na: true } } }),
    ).toContainEqual({
      formId: "care",
      questionId: "greet",
    });
  });
  it("needs non-blank text for a required text question", () => {
    const answered = {
      greet: { answerIds: ["yes"] },
      verify: { na: true as const },
      resolved: { answerIds: ["no"] },
    };
    expect(
      missingRequired([withRequiredText], { care: { ...answered, notes: { text: "  " } } }),
    ).toEqual([{ formId: "care", questionId: "notes" }]);
    expect(
      missingRequired([withRequiredText], { care: { ...answered, notes: { text: "ok" } } }),
    ).toEqual([]);
  });
});

// ---------- properties (issue 3 item 2) ----------

const formWithAnswers = arbitraryFormSnapshot().chain((form) =>
  arbitraryAnswersFor(form).map((answers) => ({ form, answers })),
);

const inRange = (score: number | null) => score === null || (score >= 0 && score <= 100);

/** The best answers: a 100 for single-answer questions, every non-autofail one for multiChoice. */
function bestAnswers(form: FormSnapshot): Record<string, Answer> {
  const entries: [string, Answer][] = [];
  for (const q of allQuestions(form)) {
    if (q.type === "text") continue;
    const ids =
      q.type === "multiChoice"
        ? q.answers.filter((a) => !a.autofail).map((a) => a.id)
        : [q.answers.find((a) => a.score === 100)!.id];
    entries.push([q.id, { answerIds: ids }]);
  }
  return Object.fromEntries(entries);
}

describe("scoring properties", () => {
  it("every form, group and session score is in [0, 100] or null", () => {
    fc.assert(
      fc.property(formWithAnswers, ({ form, answers }) => {
        const scores = scoreSession([form], { [form.formId]: answers });
        expect(inRange(scores.session)).toBe(true);
        const formScore = scores.forms[form.formId]!;
        expect(inRange(formScore.score)).toBe(true);
        for (const g of Object.values(formScore.groups)) expect(inRange(g)).toBe(true);
      }),
    );
  });

  it("all best answers give exactly 100", () => {
    fc.assert(
      fc.property(arbitraryFormSnapshot(), (form) => {
        expect(scoreForm(form, bestAnswers(form))).toMatchObject({ score: 100, autofailed: false });
      }),
    );
  });

  it("any autofail answer gives 0 and autofailed", () => {
    fc.assert(
      fc.property(
        formWithAnswers.filter(({ form }) =>
          allQuestions(form).some((q) => q.answers.some((a) => a.autofail)),
        ),
        fc.nat(),
        ({ form, answers }, pick) => {
          const candidates = allQuestions(form).filter((q) => q.answers.some((a) => a.autofail));
          const question = candidates[pick % candidates.length]!;
          const autofail = question.answers.find((a) => a.autofail)!;
          const result = scoreForm(form, {
            ...answers,
            [question.id]: { answerIds: [autofail.id] },
          });
          expect(result).toMatchObject({ score: 0, autofailed: true });
        },
      ),
    );
  });

  it("raising one answer's score (without autofail) never lowers the form score", () => {
    fc.assert(
      fc.property(formWithAnswers, fc.nat(), fc.nat(), ({ form, answers }, pickQ, pickA) => {
        const single = allQuestions(form).filter(
          (q) => q.type !== "text" && q.type !== "multiChoice" && Object.hasOwn(answers, q.id),
        );
        fc.pre(single.length > 0);
        const question = single[pickQ % single.length]!;
        const current = answers[question.id]!;
        const choices = question.answers.filter((a) => !a.autofail);
        const currentScore = answerScore(question, current);
        const better = choices.filter((a) => currentScore === null || a.score >= currentScore);
        fc.pre(better.length > 0 && currentScore !== null);
        fc.pre(
          !question.answers.find((a) => "answerIds" in current && a.id === current.answerIds[0])
            ?.autofail,
        );
        const raised = better[pickA % better.length]!;
        const before = scoreForm(form, answers);
        const after = scoreForm(form, { ...answers, [question.id]: { answerIds: [raised.id] } });
        fc.pre(!before.autofailed);
        expect(after.score).toBeGreaterThanOrEqual(before.score ?? 0);
      }),
    );
  });

  it("adding a non-autofail option to a multiChoice answer never lowers the form score", () => {
    fc.assert(
      fc.property(formWithAnswers, fc.nat(), ({ form, answers }, pick) => {
        const multis = allQuestions(form).filter(
          (q) =>
            q.type === "multiChoice" &&
            Object.hasOwn(answers, q.id) &&
            "answerIds" in answers[q.id]!,
        );
        fc.pre(multis.length > 0);
        const question = multis[pick % multis.length]!;
        const current = answers[question.id]!;
        const ids = "answerIds" in current ? current.answerIds : [];
        const extra = question.answers.find((a) => !a.autofail && !ids.includes(a.id));
        fc.pre(extra !== undefined);
        const before = scoreForm(form, answers);
        fc.pre(!before.autofailed);
        const after = scoreForm(form, {
          ...answers,
          [question.id]: { answerIds: [...ids, extra.id] },
        });
        expect(after.score).toBeGreaterThanOrEqual(before.score ?? 0);
      }),
    );
  });

  it("the order of multiChoice answer ids does not change the score", () => {
    fc.assert(
      fc.property(
        formWithAnswers.chain(({ form, answers }) =>
          fc
            .tuple(
              ...Object.entries(answers).map(([id, a]) =>
                "answerIds" in a
                  ? fc
                      .shuffledSubarray(a.answerIds, { minLength: a.answerIds.length })
                      .map((ids) => [id, { answerIds: ids }] as const)
                  : fc.constant([id, a] as const),
              ),
            )
            .map((shuffled) => ({ form, answers, shuffled: Object.fromEntries(shuffled) })),
        ),
        ({ form, answers, shuffled }) => {
          expect(scoreForm(form, shuffled)).toEqual(scoreForm(form, answers));
        },
      ),
    );
  });
});
