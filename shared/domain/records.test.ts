import { describe, expect, it } from "vitest";
import { byCodeUnit, own } from "./records.js";

describe("own", () => {
  it("reads own keys only, never the prototype's", () => {
    const record: Record<string, number> = { a: 1 };
    expect([own(record, "a"), own(record, "constructor"), own(record, "toString")]).toEqual([
      1,
      undefined,
      undefined,
    ]);
    expect(own(undefined, "a")).toBeUndefined();
  });
});

describe("byCodeUnit", () => {
  it("orders by UTF-16 code unit, not by locale", () => {
    expect(["b", "a", "B", "é", "e", "a"].sort(byCodeUnit)).toEqual(["B", "a", "a", "b", "e", "é"]);
    expect(byCodeUnit("x", "x")).toBe(0);
  });
});
