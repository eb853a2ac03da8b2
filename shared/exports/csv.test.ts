import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { csvHeader, csvRows, neutralize, quote, renderCsv } from "./csv.js";
import type { ExportInput } from "./model.js";
import { fixtureSession } from "../../test/support/export-fixture.js";

/** A strict RFC 4180 reader: fails on anything the writer should never produce. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let cell = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        const ch = text[i];
        if (ch === undefined) throw new Error("unterminated quoted field");
        if (ch === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += ch;
        i++;
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
        cell += text[i];
        i++;
      }
    }
    row.push(cell);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text.startsWith("\r\n", i)) {
      rows.push(row);
      row = [];
      i += 2;
      if (i === text.length) return rows;
      continue;
    }
    throw new Error(`expected , or CRLF at ${i}, got ${JSON.stringify(text[i])}`);
  }
}

const input = (state: "Completed" | "InProgress" = "Completed"): ExportInput => ({
  session: fixtureSession({ forms: 2, questionsPerForm: 12, state }),
  status: state,
  generatedAt: new Date("2026-11-25T10:00:00Z"),
  agentName: "Bob Martín",
  evaluatorName: '=HYPERLINK("http://x")',
});

function decode(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
}

describe("renderCsv", () => {
  it("starts with a UTF-8 BOM and ends every line with CRLF", () => {
    const bytes = renderCsv(input());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = decode(bytes).slice(1);
    expect(text.endsWith("\r\n")).toBe(true);
    // Outside quoted fields there is no lone LF or CR.
    const unquoted = text.replace(/"(?:[^"]|"")*"/g, "");
    expect(unquoted.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
  });

  it("parses back to the same rows: a header, then one row per question of every form", () => {
    const i = input();
    const parsed = parseCsv(decode(renderCsv(i)).slice(1));
    expect(parsed).toEqual(csvRows(i));
    expect(parsed[0]).toEqual([...csvHeader]);
    const questions = i.session.forms.flatMap((f) => f.groups.flatMap((g) => g.questions));
    expect(parsed.length).toBe(1 + questions.length);
    const col = (name: (typeof csvHeader)[number]) => csvHeader.indexOf(name);
    expect(parsed.slice(1).map((r) => r[col("Question")])).toEqual(questions.map((q) => q.text));
  });

  it("holds the answers and scores of the session, 2 decimals", () => {
    const i = input();
    const parsed = parseCsv(decode(renderCsv(i)).slice(1));
    const col = (name: (typeof csvHeader)[number]) => csvHeader.indexOf(name);
    const f1 = parsed.slice(1).filter((r) => r[col("Form Version")] === "1");
    // F1-Q01 is a yesNo answered "yes"; F1-Q02 singleChoice "good" (75); F1-Q03 multiChoice
    // empathy+clarity+ownership = 120, capped at 100.
    expect(f1[0]?.[col("Answer")]).toBe("Yes");
    expect(f1[0]?.[col("Answer Score")]).toBe("100.00");
    expect(f1[1]?.[col("Answer")]).toBe("Good");
    expect(f1[1]?.[col("Answer Score")]).toBe("75.00");
    expect(f1[2]?.[col("Answer")]).toBe("Empathy; Clarity; Ownership");
    expect(f1[2]?.[col("Answer Score")]).toBe("100.00");
    const formScore = i.session.scores.forms["form-1"]?.score;
    expect(formScore).toBeTypeOf("number");
    expect(f1[0]?.[col("Form Score")]).toBe(formScore!.toFixed(2));
    // The second form carries the autofail.
    const f2 = parsed.slice(1).filter((r) => r[col("Form Version")] === "2");
    expect(f2.every((r) => r[col("Form Autofailed")] === "Yes")).toBe(true);
    expect(f2.some((r) => r[col("Autofail")] === "Yes")).toBe(true);
    expect(f2[0]?.[col("Form Score")]).toBe("0.00");
    expect(parsed.slice(1).some((r) => r[col("N/A")] === "Yes")).toBe(true);
  });

  it("neutralises formula-looking text cells and keeps accents", () => {
    const text = decode(renderCsv(input())).slice(1);
    const parsed = parseCsv(text);
    const col = (name: (typeof csvHeader)[number]) => csvHeader.indexOf(name);
    const texts = parsed.slice(1).map((r) => r[col("Text")]);
    expect(texts).toContain("'=SUM(A1)");
    expect(texts).toContain("'-2 minutes over the target");
    expect(texts).toContain("'@supervisor please review\r\nsecond line");
    expect(texts).toContain('+1 "call back" tomorrow, then close'.replace(/^/, "'"));
    expect(texts).toContain("Très bien, café offert — résumé clair");
    expect(parsed[1]?.[col("Evaluator")]).toBe('\'=HYPERLINK("http://x")');
    expect(parsed[1]?.[col("Agent")]).toBe("Bob Martín");
    expect(parsed[1]?.[col("Session")]).toBe("Week 48 – Alice / Zoë (review)");
    // No cell anywhere starts a formula.
    for (const row of parsed) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("property: any text survives quote → parse and never starts a formula", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary", maxLength: 30 }), { minLength: 1, maxLength: 6 }),
        (cells) => {
          const line = `${cells.map((c) => quote(neutralize(c))).join(",")}\r\n`;
          const [back] = parseCsv(line);
          expect(back).toEqual(cells.map(neutralize));
          for (const c of back ?? []) expect(c).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
    );
  });
});
