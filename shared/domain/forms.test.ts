import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { snapshotOf, validateFormInput } from "./forms.js";
import { formInputSchema, type Form, type FormInput } from "./model.js";
import { arbitraryForm } from "../../test/support/arbitraries.js";
import { customerCare } from "../../test/support/domain-fixtures.js";

/** A deep copy to break one rule in. */
const edit = (change: (form: FormInput) => void): FormInput => {
  const form = structuredClone(customerCare);
  change(form);
  return form;
};
const paths = (form: FormInput) => validateFormInput(form).map((e) => e.path);

describe("validateFormInput", () => {
  it("accepts docs/api.md's example form", () => {
    expect(validateFormInput(customerCare)).toEqual([]);
  });

  it("rejects duplicate group ids", () => {
    expect(paths(edit((f) => (f.groups[1]!.id = "opening")))).toContain("groups.1.id");
  });

  it("rejects a question id used twice in the form, even in different groups", () => {
    expect(paths(edit((f) => (f.groups[1]!.questions[0]!.id = "greet")))).toContain(
      "groups.1.questions.0.id",
    );
  });

  it("allows the same answer id in different questions but not twice in one", () => {
    expect(paths(edit((f) => (f.groups[0]!.questions[0]!.answers[1]!.id = "yes")))).toEqual([
      "groups.0.questions.0.answers.1.id",
    ]);
  });

  it("requires group weights to sum to 100", () => {
    expect(paths(edit((f) => (f.groups[0]!.weight = 30)))).toEqual(["groups"]);
  });

  it("excludes a group of only text questions from the sum, and requires its weight 0", () => {
    const withComments = edit((f) =>
      f.groups.push({
        id: "comments",
        name: "Comments",
        weight: 0,
        questions: [
          {
            id: "c1",
            text: "Comment",
            type: "text",
            required: false,
            weight: 0,
            naAllowed: false,
            answers: [],
          },
        ],
      }),
    );
    expect(validateFormInput(withComments)).toEqual([]);
    withComments.groups[2]!.weight = 10;
    expect(paths(withComments)).toEqual(["groups.2.weight"]);
  });

  it("requires the scored question weights of a group to sum to 100, ignoring text questions", () => {
    expect(paths(edit((f) => (f.groups[0]!.questions[1]!.weight = 40)))).toEqual([
      "groups.0.questions",
    ]);
  });

  it("rejects a weight or answers on a text question and N/A on it", () => {
    const form = edit((f) => {
      const notes = f.groups[1]!.questions[1]!;
      notes.weight = 5;
      notes.naAllowed = true;
      notes.answers = [{ id: "x", label: "x", score: 0 }];
    });
    expect(paths(form)).toEqual(
      expect.arrayContaining([
        "groups.1.questions.1.weight",
        "groups.1.questions.1.answers",
        "groups.1.questions.1.naAllowed",
      ]),
    );
  });

  it("requires answers on a scored question and two on a yes/no one", () => {
    expect(paths(edit((f) => (f.groups[1]!.questions[0]!.answers = [])))).toContain(
      "groups.1.questions.0.answers",
    );
    expect(
      paths(
        edit(
          (f) => (f.groups[1]!.questions[0]!.answers = [{ id: "yes", label: "Yes", score: 100 }]),
        ),
      ),
    ).toEqual(["groups.1.questions.0.answers"]);
  });

  it("requires a single-answer question to be able to reach 100", () => {
    expect(paths(edit((f) => (f.groups[0]!.questions[1]!.answers[0]!.score = 90)))).toEqual([
      "groups.0.questions.1.answers",
    ]);
  });

  it("requires a multiChoice question's non-autofail answers to sum to at least 100", () => {
    const multi = (answers: FormInput["groups"][0]["questions"][0]["answers"]) =>
      edit((f) => {
        const q = f.groups[0]!.questions[1]!;
        q.type = "multiChoice";
        q.answers = answers;
      });
    expect(
      validateFormInput(
        multi([
          { id: "a", label: "a", score: 60 },
          { id: "b", label: "b", score: 40 },
        ]),
      ),
    ).toEqual([]);
    expect(
      paths(
        multi([
          { id: "a", label: "a", score: 60 },
          { id: "b", label: "b", score: 40, autofail: true },
        ]),
      ),
    ).toEqual(["groups.0.questions.1.answers"]);
  });

  it("rejects answer scores outside 0–100", () => {
    expect(paths(edit((f) => (f.groups[0]!.questions[0]!.answers[1]!.score = -1)))).toEqual([
      "groups.0.questions.0.answers.1.score",
    ]);
  });

  it("rejects a scored question or scored group of weight 0", () => {
    const form = edit((f) => {
      f.groups[0]!.weight = 0;
      f.groups[1]!.weight = 100;
      f.groups[0]!.questions[0]!.weight = 0;
      f.groups[0]!.questions[1]!.weight = 100;
    });
    expect(paths(form)).toEqual(["groups.0.questions.0.weight", "groups.0.weight"]);
  });

  it("accepts weights that sum to 100 only up to floating-point rounding", () => {
    const form = edit((f) => {
      f.groups[0]!.weight = 33.3;
      f.groups[1]!.weight = 66.7;
    });
    expect(validateFormInput(form)).toEqual([]);
  });

  it("property: every generated form passes both the shape and the cross-field rules", () => {
    fc.assert(
      fc.property(arbitraryForm(), (form) => {
        expect(formInputSchema.safeParse(form).success).toBe(true);
        expect(validateFormInput(form)).toEqual([]);
      }),
    );
  });
});

describe("validateFormInput properties", () => {
  it("changing one scored group's weight is always reported on `groups`", () => {
    fc.assert(
      fc.property(
        arbitraryForm(),
        fc.nat(),
        fc.integer({ min: 1, max: 50 }),
        (form, pick, delta) => {
          const scored = form.groups.filter((g) => g.questions.some((q) => q.type !== "text"));
          const group = scored[pick % scored.length]!;
          group.weight = group.weight + delta;
          expect(validateFormInput(form).map((e) => e.path)).toContain("groups");
        },
      ),
    );
  });
  it("changing one scored question's weight is always reported on its group's questions", () => {
    fc.assert(
      fc.property(
        arbitraryForm(),
        fc.nat(),
        fc.integer({ min: 1, max: 50 }),
        (form, pick, delta) => {
          const scored = form.groups.flatMap((g, gi) =>
            g.questions.filter((q) => q.type !== "text").map((q) => ({ q, gi })),
          );
          const { q, gi } = scored[pick % scored.length]!;
          q.weight = q.weight + delta;
          expect(validateFormInput(form).map((e) => e.path)).toContain(`groups.${gi}.questions`);
        },
      ),
    );
  });
  it("a question id repeated in another group is always reported", () => {
    fc.assert(
      fc.property(
        arbitraryForm().filter((f) => f.groups.length > 1),
        (form) => {
          const first = form.groups[0]!.questions[0]!;
          const last = form.groups.at(-1)!;
          last.questions[0]!.id = first.id;
          expect(validateFormInput(form).map((e) => e.path)).toContain(
            `groups.${form.groups.length - 1}.questions.0.id`,
          );
        },
      ),
    );
  });
});

describe("snapshotOf", () => {
  it("keeps id, version, name and groups, and does not alias the form", () => {
    const form: Form = {
      ...structuredClone(customerCare),
      id: "care",
      tenantId: "t1",
      version: 3,
      createdAt: "2026-01-01T00:00:00Z",
      createdBy: "admin",
      updatedAt: "2026-01-02T00:00:00Z",
      updatedBy: "admin",
    };
    const snapshot = snapshotOf(form);
    expect(snapshot).toEqual({
      formId: "care",
      version: 3,
      name: "Customer care",
      groups: form.groups,
    });
    form.groups[0]!.weight = 1;
    expect(snapshot.groups[0]!.weight).toBe(40);
  });
});
