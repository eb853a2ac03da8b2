// Runs docs/scoring.md: its forms must be valid, its examples must score as stated, and the
// prose of each example must quote the rounded session and form scores. The doc is the test.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { validateFormInput } from "./forms.js";
import { idSchema } from "./ids.js";
import { answersSchema, formInputSchema, type FormSnapshot } from "./model.js";
import { scoreSession } from "./scoring.js";

const doc = readFileSync(new URL("../../docs/scoring.md", import.meta.url), "utf8");

interface Block {
  kind: string;
  json: string;
  /** The text after the block up to the next heading: where its numbers are explained. */
  prose: string;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const fence = /^```json ([a-z-]+)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    const end = (match.index ?? 0) + match[0].length;
    const next = markdown.indexOf("\n## ", end);
    found.push({
      kind: match[1] ?? "",
      json: match[2] ?? "",
      prose: markdown.slice(end, next === -1 ? undefined : next),
    });
  }
  return found;
}

const formBlockSchema = formInputSchema.extend({ id: idSchema });
const nullableScore = z.number().nullable();
const exampleSchema = z.strictObject({
  forms: z.array(idSchema).min(1),
  copies: z.record(idSchema, idSchema).optional(),
  answers: answersSchema,
  expected: z.strictObject({
    session: nullableScore,
    forms: z.record(
      z.string(),
      z.strictObject({
        score: nullableScore,
        autofailed: z.boolean(),
        groups: z.record(z.string(), nullableScore),
      }),
    ),
  }),
});

const all = blocks(doc);
const forms = new Map<string, FormSnapshot>();
for (const block of all.filter((b) => b.kind === "scoring-form")) {
  const { id, ...input } = formBlockSchema.parse(JSON.parse(block.json));
  forms.set(id, { formId: id, version: 1, name: input.name, groups: input.groups });
}
const examples = all.filter((b) => b.kind === "scoring-example");

/** Rounded as the prose shows scores. */
const shown = (n: number) => n.toFixed(2);
/** A stated (rounded) number matches the engine's unrounded one. */
function expectScore(actual: number | null | undefined, stated: number | null): void {
  if (stated === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(stated, 2);
}

describe("docs/scoring.md", () => {
  it("has forms and examples to run", () => {
    expect(forms.size).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it.each([...forms.values()].map((form) => [form.formId, form] as const))(
    "form %s is a valid form definition",
    (_id, form) => {
      expect(validateFormInput({ name: form.name, groups: form.groups })).toEqual([]);
    },
  );

  it.each(examples.map((example, i) => [i + 1, example] as const))(
    "example %i scores as stated, and its prose quotes the rounded scores",
    (_n, block) => {
      const example = exampleSchema.parse(JSON.parse(block.json));
      const snapshots = example.forms.map((formId) => {
        const source = forms.get(example.copies?.[formId] ?? formId);
        if (!source) throw new Error(`docs/scoring.md: unknown form "${formId}"`);
        return { ...source, formId };
      });
      const scores = scoreSession(snapshots, example.answers);

      expectScore(scores.session, example.expected.session);
      expect(Object.keys(scores.forms).sort()).toEqual(Object.keys(example.expected.forms).sort());
      for (const [formId, expected] of Object.entries(example.expected.forms)) {
        const actual = scores.forms[formId];
        expectScore(actual?.score, expected.score);
        expect(actual?.autofailed).toBe(expected.autofailed);
        expect(Object.keys(actual?.groups ?? {}).sort()).toEqual(
          Object.keys(expected.groups).sort(),
        );
        for (const [groupId, groupScore] of Object.entries(expected.groups)) {
          expectScore(actual?.groups[groupId], groupScore);
        }
      }

      const stated = [
        example.expected.session,
        ...Object.values(example.expected.forms).map((f) => f.score),
      ];
      for (const value of stated) if (value !== null) expect(block.prose).toContain(shown(value));
    },
  );
});
