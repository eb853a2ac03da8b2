import { describe, it, expect, beforeAll } from "vitest";
import ExcelJS from "exceljs";
import officeCrypto from "officecrypto-tool";
import { sessionDocumentSchema } from "../domain/model.js";
import type { ExportInput } from "./model.js";
import { fixtureSession } from "../../test/support/export-fixture.js";
import { buildWorkbook, renderXlsx } from "./xlsx.js";

const PASSWORD = "corr3ct horse ☕ battery";

const session = fixtureSession({ forms: 3, questionsPerForm: 12 });
const input: ExportInput = {
  session,
  status: "Completed",
  generatedAt: new Date("2026-11-25T10:00:00Z"),
  agentName: "Bob Martín",
  evaluatorName: "Alice Durand",
};

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs types its input as an ArrayBuffer; a copy gives one of exactly the file's bytes.
  await workbook.xlsx.load(new Uint8Array(bytes).buffer);
  return workbook;
}

/** The Summary sheet as field → value. */
function summaryMap(workbook: ExcelJS.Workbook): Map<string, ExcelJS.CellValue> {
  const sheet = workbook.getWorksheet("Summary");
  if (!sheet) throw new Error("no Summary sheet");
  const out = new Map<string, ExcelJS.CellValue>();
  sheet.eachRow((row, n) => {
    const field = row.getCell(1).value;
    if (n > 1 && typeof field === "string") out.set(field, row.getCell(2).value);
  });
  return out;
}

describe("renderXlsx", () => {
  let encrypted: Uint8Array;
  beforeAll(async () => {
    expect(sessionDocumentSchema.parse(session)).toEqual(session);
    encrypted = await renderXlsx(input, PASSWORD);
  });

  it("is an encrypted OLE container, not a zip that exceljs can read", async () => {
    // A plain .xlsx is a zip ("PK"); an encrypted one is a compound file (D0 CF 11 E0).
    expect([...encrypted.slice(0, 4)]).toEqual([0xd0, 0xcf, 0x11, 0xe0]);
    expect(officeCrypto.isEncrypted(Buffer.from(encrypted))).toBe(true);
    await expect(load(encrypted)).rejects.toThrow();
  });

  it("does not contain the answers in clear", () => {
    const haystack = Buffer.from(encrypted).toString("latin1");
    expect(haystack).not.toContain("EXT-2026-11-0042");
    expect(haystack).not.toContain("Greeting used");
  });

  it("refuses a wrong password", async () => {
    await expect(
      officeCrypto.decrypt(Buffer.from(encrypted), { password: "wrong password!" }),
    ).rejects.toThrow();
  });

  it("opens with the right password and holds the session's answers and scores", async () => {
    const plain = await officeCrypto.decrypt(Buffer.from(encrypted), { password: PASSWORD });
    const workbook = await load(plain);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      "Summary",
      "Customer Care_ Call _ Quality _",
      "Compliance — Données personnell",
      "Customer Care_ Call _ Quali (2)",
    ]);

    const summary = summaryMap(workbook);
    expect(summary.get("Session")).toBe("Week 48 – Alice / Zoë (review)");
    expect(summary.get("External ID")).toBe("EXT-2026-11-0042");
    expect(summary.get("Agent")).toBe("Bob Martín");
    expect(summary.get("Evaluator")).toBe("Alice Durand");
    expect(summary.get("Status")).toBe("Completed");
    expect(summary.get("Due (UTC)")).toEqual(new Date("2026-12-01T00:00:00Z"));
    const sessionScore = session.scores.session;
    expect(sessionScore).toBeTypeOf("number");
    expect(summary.get("Session score")).toBe(Math.round(sessionScore! * 100) / 100);

    const form1 = workbook.worksheets[1]!;
    expect(form1.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(form1.getRow(1).values).toEqual([
      undefined,
      "Group",
      "Group Weight",
      "Question",
      "Type",
      "Required",
      "Weight",
      "Answer",
      "Answer Score",
      "N/A",
      "Autofail",
      "Comment / Text",
    ]);
    // Rows 2.. follow the form's questions: Q01 yesNo "Yes" (100), Q02 singleChoice "Good" (75),
    // Q03 multiChoice 50+30+40 capped at 100, Q04 text with an accented comment.
    expect(form1.getCell("C2").value).toBe("F1-Q01 Greeting used");
    expect(form1.getCell("G2").value).toBe("Yes");
    expect(form1.getCell("H2").value).toBe(100);
    expect(form1.getCell("H2").numFmt).toBe("0.00");
    expect(form1.getCell("G3").value).toBe("Good");
    expect(form1.getCell("H3").value).toBe(75);
    expect(form1.getCell("G4").value).toBe("Empathy; Clarity; Ownership");
    expect(form1.getCell("H4").value).toBe(100);
    expect(form1.getCell("K5").value).toBe("Très bien, café offert — résumé clair");
    expect(form1.getCell("H5").value).toBeNull();
    // Formula-looking text stays plain text in a cell (never a formula).
    expect(form1.getCell("K9").value).toBe("=SUM(A1)");
    // Every question of the form is there, in order.
    const questions = session.forms[0]!.groups.flatMap((g) => g.questions.map((q) => q.text));
    expect(questions.map((_, i) => form1.getCell(`C${i + 2}`).value)).toEqual(questions);
    // An N/A answer is marked.
    const naColumn = questions.map((_, i) => form1.getCell(`I${i + 2}`).value);
    expect(naColumn).toContain("N/A");

    // The second form carries the autofail: its score is 0 and the answer is marked.
    const form2 = workbook.worksheets[2]!;
    const marks = questions.map((_, i) => form2.getCell(`J${i + 2}`).value);
    expect(marks).toContain("AUTOFAIL");
    const formRows = workbook.getWorksheet("Summary")!;
    const formTable: ExcelJS.CellValue[][] = [];
    formRows.eachRow((row) => {
      if (typeof row.getCell(2).value === "number" && row.getCell(4).value !== null) {
        formTable.push([row.getCell(1).value, row.getCell(3).value, row.getCell(4).value]);
      }
    });
    const round = (n: number | null | undefined) => (n == null ? null : Math.round(n * 100) / 100);
    expect(formTable).toEqual(
      session.forms.map((f) => [
        f.name,
        round(session.scores.forms[f.formId]?.score),
        session.scores.forms[f.formId]?.autofailed ? "Yes" : "No",
      ]),
    );
    expect(formTable[1]?.[1]).toBe(0);
  });

  it("refuses a password shorter than 8 or longer than 128 characters, without echoing it", async () => {
    await expect(renderXlsx(input, "short7!")).rejects.toThrow(/8–128/);
    await expect(renderXlsx(input, "x".repeat(129))).rejects.toThrow(/8–128/);
    await expect(renderXlsx(input, undefined)).rejects.toThrow(/8–128/);
    await expect(renderXlsx(input, "short7!")).rejects.not.toThrow(/short7!/);
  });

  it("the unencrypted workbook is a zip (the encryption step is what protects it)", async () => {
    const plain = await buildWorkbook(input);
    expect(String.fromCharCode(plain[0]!, plain[1]!)).toBe("PK");
  });
});
