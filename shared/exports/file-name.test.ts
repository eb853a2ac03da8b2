import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { exportFileName, sanitizeName } from "./file-name.js";

describe("exportFileName", () => {
  it("replaces every character outside A-Z a-z 0-9 . _ - with an underscore", () => {
    expect(exportFileName("Week 48 – Alice/Zoë", "s1", true, "pdf")).toBe(
      "Week_48___Alice_Zo__s1.pdf",
    );
  });

  it("keeps dots, dashes and underscores", () => {
    expect(exportFileName("a.b-c_d", "id-9", true, "csv")).toBe("a.b-c_d_id-9.csv");
  });

  it("prefixes uncompleted_ when the session is not Completed", () => {
    expect(exportFileName("Q1", "s1", false, "xlsx")).toBe("uncompleted_Q1_s1.xlsx");
  });

  it("cuts the name to 100 characters before adding the prefix", () => {
    const long = "x".repeat(150);
    const name = exportFileName(long, "s1", false, "pdf");
    expect(name).toBe(`uncompleted_${"x".repeat(100)}_s1.pdf`);
  });

  it("turns one astral character into one underscore", () => {
    expect(sanitizeName("a😀b")).toBe("a_b");
  });

  it("property: the name part holds only allowed characters and at most 100 of them", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (raw) => {
        const name = sanitizeName(raw);
        expect(name).toMatch(/^[A-Za-z0-9._-]*$/);
        expect(name.length).toBeLessThanOrEqual(100);
        expect(name.length).toBe(Math.min(100, Array.from(raw).length));
      }),
    );
  });

  it("property: prefix only when not completed, and the rest is name_id.ext", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.boolean(),
        fc.constantFrom("pdf", "xlsx", "csv"),
        (raw, id, completed, ext) => {
          const fileName = exportFileName(raw, id, completed, ext);
          const rest = `${sanitizeName(raw)}_${id}.${ext}`;
          expect(fileName).toBe(completed ? rest : `uncompleted_${rest}`);
          expect(fileName).toMatch(/^[A-Za-z0-9._-]+$/);
          expect(fileName.length).toBeLessThanOrEqual(
            (completed ? 0 : "uncompleted_".length) + 100 + 1 + id.length + 1 + ext.length,
          );
        },
      ),
    );
  });
});
