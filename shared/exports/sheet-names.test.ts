import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { sheetNames } from "./sheet-names.js";

describe("sheetNames", () => {
  it("replaces forbidden characters and cuts to 31", () => {
    const [name] = sheetNames(["Customer Care: Call / Quality [v2] and more words"]);
    expect(name).toBe("Customer Care_ Call _ Quality _");
    expect(name).toHaveLength(31);
  });

  it("makes duplicates unique, ignoring case, also against taken names", () => {
    expect(sheetNames(["Soft skills", "soft SKILLS", "Summary"], ["Summary"])).toEqual([
      "Soft skills",
      "soft SKILLS (2)",
      "Summary (2)",
    ]);
  });

  it("keeps the suffix within 31 characters for long duplicates", () => {
    const long = "A very long evaluation form name that exceeds";
    const [a, b] = sheetNames([long, long]);
    expect(a).toBe(long.slice(0, 31));
    expect(b).toBe(`${long.slice(0, 27)} (2)`);
  });

  it("never yields an empty, reserved, apostrophe-framed or control-character name", () => {
    expect(sheetNames(["", "'''", "History", " 'x' ", "a\u0000b\tc", "' '(", "x ' '"])).toEqual([
      "Form",
      "Form (2)",
      "History (2)",
      "x",
      "a_b_c",
      "(",
      "x (2)",
    ]);
  });

  it("property: names are valid for Excel and unique", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 60 }), { maxLength: 12 }),
        (raw) => {
          const names = sheetNames(raw, ["Summary"]);
          expect(names).toHaveLength(raw.length);
          const lower = new Set(names.map((n) => n.toLowerCase()));
          expect(lower.size).toBe(names.length);
          expect(lower.has("summary")).toBe(false);
          for (const n of names) {
            expect(n.length).toBeGreaterThan(0);
            expect(n.length).toBeLessThanOrEqual(31);
            expect(n).not.toMatch(/[[\]:*?/\\]/);
            expect(n).not.toMatch(/^'|'$/);
            expect(n.toLowerCase()).not.toBe("history");
          }
        },
      ),
    );
  });
});
