import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  answersPatchSchema,
  defaultAnswers,
  mergeAnswers,
  sameAnswer,
  sameAnswers,
  validateAnswersPatch,
  type AnswersPatch,
} from "./answers.js";
import type { Answers, FormSnapshot } from "./model.js";
import { scoreSession } from "./scoring.js";
import { arbitraryAnswersFor, arbitraryFormSnapshot } from "../../test/support/arbitraries.js";
import { customerCareSnapshot } from "../../test/support/domain-fixtures.js";

const forms = [customerCareSnapshot];
const paths = (patch: AnswersPatch) => validateAnswersPatch(forms, patch).map((e) => e.path);

describe("answersPatchSchema", () => {
  it("accepts answers, null answers and null forms", () => {
    const patch = { care: { greet: { answerIds: ["yes"] }, verify: null }, other: null };
    expect(answersPatchSchema.parse(patch)).toEqual(patch);
  });
  it("never lets a __proto__ key through (zod drops it) and rejects an answer of two kinds", () => {
    const parsed = answersPatchSchema.parse(JSON.parse('{"__proto__": {"q": null}}'));
    expect(Object.keys(parsed)).toEqual([]);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(answersPatchSchema.safeParse({ "bad id": null }).success).toBe(false);
    expect(
      answersPatchSchema.safeParse({ care: { greet: { answerIds: ["yes"], na: true } } }).success,
    ).toBe(false);
  });
});

describe("validateAnswersPatch", () => {
  it("accepts valid answers of every kind and clearing", () => {
    expect(
      paths({
        care: {
          greet: { answerIds: ["no"] },
          verify: { na: true },
          notes: { text: "x" },
          resolved: null,
        },
      }),
    ).toEqual([]);
    expect(paths({ care: null })).toEqual([]);
  });
  it("names an unknown form, question and answer", () => {
    expect(paths({ nope: {} })).toEqual(["answers.nope"]);
    expect(paths({ care: { nope: { answerIds: ["yes"] } } })).toEqual(["answers.care.nope"]);
    expect(paths({ care: { greet: { answerIds: ["maybe"] } } })).toEqual([
      "answers.care.greet.answerIds.0",
    ]);
  });
  it("rejects an empty answerIds list", () => {
    expect(paths({ care: { greet: { answerIds: [] } } })).toEqual(["answers.care.greet.answerIds"]);
  });
  it("rejects N/A where it is not allowed", () => {
    expect(paths({ care: { greet: { na: true } } })).toEqual(["answers.care.greet.na"]);
    expect(paths({ care: { notes: { na: true } } })).toEqual(["answers.care.notes.na"]);
  });
  it("rejects several answers on a single-answer question and a repeated id", () => {
    expect(paths({ care: { greet: { answerIds: ["yes", "no"] } } })).toEqual([
      "answers.care.greet.answerIds",
    ]);
    expect(paths({ care: { greet: { answerIds: ["yes", "yes"] } } })).toEqual([
      "answers.care.greet.answerIds",
      "answers.care.greet.answerIds.1",
    ]);
  });
  it("rejects text on a choice question and answerIds on a text question", () => {
    expect(paths({ care: { greet: { text: "yes" } } })).toEqual(["answers.care.greet"]);
    expect(paths({ care: { notes: { answerIds: ["yes"] } } })).toEqual(["answers.care.notes"]);
  });
});

describe("mergeAnswers", () => {
  const current: Answers = {
    care: { greet: { answerIds: ["yes"] }, verify: { na: true } },
    other: { q: { text: "x" } },
  };
  const snapshot = JSON.stringify(current);

  it("sets, replaces and clears answers without mutating its inputs", () => {
    const patch: AnswersPatch = {
      care: { greet: { answerIds: ["no"] }, verify: null, resolved: { answerIds: ["yes"] } },
    };
    const merged = mergeAnswers(current, patch);
    expect(merged).toEqual({
      care: { greet: { answerIds: ["no"] }, resolved: { answerIds: ["yes"] } },
      other: { q: { text: "x" } },
    });
    expect(JSON.stringify(current)).toBe(snapshot);
  });
  it("a null form clears the whole form; a form left empty disappears", () => {
    expect(mergeAnswers(current, { care: null })).toEqual({ other: { q: { text: "x" } } });
    expect(mergeAnswers(current, { other: { q: null } })).toEqual({ care: current.care });
  });
  it("never gives the result a prototype through a hostile key", () => {
    const hostile: AnswersPatch = JSON.parse('{"__proto__": {"polluted": {"text": "x"}}}');
    const merged = mergeAnswers({}, hostile);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it("property: saving the same answers again changes neither answers nor scores", () => {
    fc.assert(
      fc.property(
        arbitraryFormSnapshot().chain((form) =>
          fc.tuple(fc.constant(form), arbitraryAnswersFor(form), arbitraryAnswersFor(form)),
        ),
        ([form, first, second]) => {
          const once = mergeAnswers(mergeAnswers({}, { f1: first }), { f1: second });
          const twice = mergeAnswers(once, { f1: second });
          expect(twice).toEqual(once);
          expect(scoreSession([form], twice)).toEqual(scoreSession([form], once));
        },
      ),
    );
  });
});

describe("defaultAnswers", () => {
  it("fills best answers and leaves questions that can autofail (and text) unanswered", () => {
    expect(defaultAnswers(forms)).toEqual({
      care: { greet: { answerIds: ["yes"] }, resolved: { answerIds: ["yes"] } },
    });
  });
  it("takes the first best answer on ties and every positive one for multiChoice", () => {
    const form: FormSnapshot = {
      formId: "f",
      version: 1,
      name: "f",
      groups: [
        {
          id: "g",
          name: "g",
          weight: 100,
          questions: [
            {
              id: "s",
              text: "s",
              type: "singleChoice",
              required: true,
              weight: 50,
              naAllowed: false,
              answers: [
                { id: "low", label: "l", score: 10 },
                { id: "top1", label: "t", score: 100 },
                { id: "top2", label: "t", score: 100 },
              ],
            },
            {
              id: "m",
              text: "m",
              type: "multiChoice",
              required: true,
              weight: 50,
              naAllowed: false,
              answers: [
                { id: "zero", label: "z", score: 0 },
                { id: "a", label: "a", score: 60 },
                { id: "b", label: "b", score: 60 },
              ],
            },
          ],
        },
      ],
    };
    expect(defaultAnswers([form])).toEqual({
      f: { s: { answerIds: ["top1"] }, m: { answerIds: ["a", "b"] } },
    });
  });
  it("property: default answers are valid and score 100 on every form they touch", () => {
    fc.assert(
      fc.property(arbitraryFormSnapshot(), (form) => {
        const answers = defaultAnswers([form]);
        const patch: AnswersPatch = answers;
        expect(validateAnswersPatch([form], patch)).toEqual([]);
        const score = scoreSession([form], answers).forms[form.formId]!;
        if (answers.f1) expect(score).toMatchObject({ score: 100, autofailed: false });
        else expect(score.score).toBeNull();
      }),
    );
  });
});

describe("sameAnswer", () => {
  it("reads chosen answers as a set, and tells kinds and texts apart", () => {
    expect(sameAnswer({ answerIds: ["a", "b"] }, { answerIds: ["b", "a"] })).toBe(true);
    expect(sameAnswer({ answerIds: ["a"] }, { answerIds: ["a", "b"] })).toBe(false);
    expect(sameAnswer({ na: true }, { na: true })).toBe(true);
    expect(sameAnswer({ na: true }, { answerIds: [] })).toBe(false);
    expect(sameAnswer({ text: "x" }, { text: "x " })).toBe(false);
    expect(sameAnswer(null, undefined)).toBe(true);
    expect(sameAnswer(null, { na: true })).toBe(false);
  });

  it("compares answer sets question by question, whatever the key order", () => {
    const a: Answers = { f: { q1: { answerIds: ["x", "y"] }, q2: { na: true } } };
    expect(sameAnswers(a, { f: { q2: { na: true }, q1: { answerIds: ["y", "x"] } } })).toBe(true);
    expect(sameAnswers(a, { f: { q1: { answerIds: ["x", "y"] } } })).toBe(false);
    expect(sameAnswers(a, { ...a, g: {} })).toBe(true);
  });
});
