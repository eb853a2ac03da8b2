import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  canonicalJson,
  decodeContinuation,
  encodeContinuation,
  pageAfterKey,
  sessionListIdentity,
  skillGapsIdentity,
  type QueryIdentity,
} from "./continuation.js";

const identity: QueryIdentity = { tenantId: "t1", query: "q", filter: { a: 1, b: "x" } };

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("continuation envelope", () => {
  it("gives back any inner token sent back verbatim", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (inner, tenantId) => {
        const id = { ...identity, tenantId };
        expect(decodeContinuation(id, encodeContinuation(id, inner))).toBe(inner);
      }),
    );
  });

  it("treats no token as the first page", () => {
    expect(decodeContinuation(identity, undefined)).toBeUndefined();
  });

  it("refuses every single-character change of a token", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.nat(),
        fc.constantFrom(..."ABCxyz019-_"),
        (inner, at, replacement) => {
          const token = encodeContinuation(identity, inner);
          const i = at % token.length;
          fc.pre(token[i] !== replacement);
          const changed = token.slice(0, i) + replacement + token.slice(i + 1);
          expect(refusal(() => decodeContinuation(identity, changed))).toMatchObject({
            code: "VALIDATION_FAILED",
            errors: [{ path: "query.continuationToken" }],
          });
        },
      ),
    );
  });

  it("refuses a token of another tenant, query or filter", () => {
    const token = encodeContinuation(identity, "inner");
    for (const other of [
      { ...identity, tenantId: "t2" },
      { ...identity, query: "other" },
      { ...identity, filter: { a: 2, b: "x" } },
      { ...identity, filter: { a: 1 } },
    ]) {
      expect(refusal(() => decodeContinuation(other, token))).toMatchObject({
        code: "VALIDATION_FAILED",
      });
    }
  });

  it("accepts the same filter written in another key order or with undefined members", () => {
    const token = encodeContinuation(identity, "inner");
    expect(decodeContinuation({ ...identity, filter: { b: "x", c: undefined, a: 1 } }, token)).toBe(
      "inner",
    );
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe(
      '{"a":null,"b":[1,{"c":2,"d":1}]}',
    );
  });

  it("refuses empty, oversized and non-base64url input", () => {
    for (const bad of ["", "a".repeat(9000), "abc=", "a b", "eyJ2IjoxfQ"]) {
      expect(refusal(() => decodeContinuation(identity, bad))).toMatchObject({
        code: "VALIDATION_FAILED",
      });
    }
  });

  it("ties a grid token to its filter but not to the moving now, nor to the order of ids", () => {
    const base = { archived: false as const, now: "2026-01-01T00:00:00.000Z", ids: ["b", "a"] };
    const token = encodeContinuation(sessionListIdentity("t", base), "inner");
    const later = { ...base, now: "2026-01-02T00:00:00.000Z", ids: ["a", "b"] };
    expect(decodeContinuation(sessionListIdentity("t", later), token)).toBe("inner");
    expect(
      refusal(() =>
        decodeContinuation(sessionListIdentity("t", { ...base, archived: true }), token),
      ),
    ).toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

// rule-audit finding 8: the in-memory stores and the skill-gaps read each paged a sorted list
// after a key; both now page through pageAfterKey.
describe("rule audit 8: keyset paging over a sorted list", () => {
  const keySchema = z.tuple([z.number(), z.string()]);
  const keyOf = (row: { n: number; id: string }): [number, string] => [row.n, row.id];
  const compare = (a: [number, string], b: [number, string]) =>
    a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  const sorted = (rows: { n: number; id: string }[]) =>
    [...rows].sort((a, b) => compare(keyOf(a), keyOf(b)));

  it("resumes after the last key, so rows added between pages neither repeat nor skip", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ n: fc.integer({ min: 0, max: 9 }), id: fc.string() }), {
          selector: (row) => `${row.n}/${row.id}`,
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 7 }),
        (rows, limit) => {
          const first = sorted(rows.slice(0, Math.floor(rows.length / 2)));
          const one = pageAfterKey(identity, first, keyOf, keySchema, compare, { limit });
          expect(one.items).toEqual(first.slice(0, limit));
          const last = one.items.at(-1);
          if (one.continuationToken === null || last === undefined) return;
          const all = sorted(rows);
          const two = pageAfterKey(identity, all, keyOf, keySchema, compare, {
            limit,
            continuationToken: one.continuationToken,
          });
          const after = all.filter((row) => compare(keyOf(row), keyOf(last)) > 0);
          expect(two.items).toEqual(after.slice(0, limit));
        },
      ),
    );
  });

  it("ends with a null token on the last page", () => {
    const rows = sorted([
      { n: 1, id: "a" },
      { n: 2, id: "b" },
    ]);
    const one = pageAfterKey(identity, rows, keyOf, keySchema, compare, { limit: 1 });
    const two = pageAfterKey(identity, rows, keyOf, keySchema, compare, {
      limit: 1,
      continuationToken: one.continuationToken ?? undefined,
    });
    expect([one.items, two.items, two.continuationToken]).toEqual([[rows[0]], [rows[1]], null]);
  });

  it("refuses a sound envelope around a key that does not fit the list", () => {
    for (const inner of ["not json", "[1]", '[1,"a","b"]', '["a",1]']) {
      const token = encodeContinuation(identity, inner);
      expect(
        refusal(() =>
          pageAfterKey(identity, [], keyOf, keySchema, compare, {
            limit: 5,
            continuationToken: token,
          }),
        ),
      ).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "query.continuationToken" }] });
    }
  });

  it("ties a skill-gaps token to the query as asked", () => {
    const query = { from: "2026-01-01", minN: 5, alpha: 0.05, correction: "none" as const };
    const token = encodeContinuation(skillGapsIdentity("t", query), "inner");
    expect(decodeContinuation(skillGapsIdentity("t", { ...query, to: undefined }), token)).toBe(
      "inner",
    );
    expect(
      refusal(() => decodeContinuation(skillGapsIdentity("t", { ...query, minN: 6 }), token)),
    ).toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
