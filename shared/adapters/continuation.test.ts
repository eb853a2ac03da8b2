import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  decodeContinuation,
  encodeContinuation,
  sessionListIdentity,
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
