import { describe, it, expect, beforeAll } from "vitest";
import { extractText, getDocumentProxy } from "unpdf";
import pdfmake from "pdfmake";
import type { StoredState, DisplayStatus } from "../domain/model.js";
import { exportRows, formatScore, type ExportInput } from "./model.js";
import { renderPdf } from "./pdf.js";
import { fixtureSession } from "../../test/support/export-fixture.js";

function inputFor(state: StoredState, status: DisplayStatus): ExportInput {
  return {
    session: fixtureSession({ forms: 3, questionsPerForm: 12, state }),
    status,
    generatedAt: new Date("2026-11-25T10:00:00Z"),
    agentName: "Bob Martín",
    evaluatorName: "Alice Durand",
  };
}

async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: false });
  // Table cells wrap; compare on collapsed whitespace.
  return text.map((t) => t.replace(/\s+/g, " "));
}

describe("renderPdf", () => {
  const completed = inputFor("Completed", "Completed");
  let bytes: Uint8Array;
  let pages: string[];
  beforeAll(async () => {
    bytes = await renderPdf(completed);
    pages = await pdfPages(bytes);
  });

  it("is a PDF", () => {
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
  });

  it("contains every question, every answer score and every form score with 2 decimals", () => {
    const all = pages.join(" ");
    const { summary, rows } = exportRows(completed);
    for (const r of rows) expect(all).toContain(r.question);
    const answerScores = rows.flatMap((r) =>
      r.answerScore === null ? [] : [formatScore(r.answerScore)],
    );
    expect(answerScores.length).toBeGreaterThan(10);
    for (const s of answerScores) expect(all).toContain(s);
    for (const f of summary.forms) {
      expect(f.score).not.toBeNull();
      expect(all).toContain(`Form score: ${formatScore(f.score)}`);
      for (const g of f.groups) expect(all).toContain(`group score ${formatScore(g.score)}`);
    }
    expect(summary.sessionScore).not.toBeNull();
    expect(all).toContain(`Session score: ${formatScore(summary.sessionScore)}`);
    // 25.5 is stored unrounded as a score; the file shows two decimals.
    expect(all).toContain("25.50");
  });

  it("shows the summary, the N/A and autofail marks and accented text", () => {
    const all = pages.join(" ");
    expect(all).toContain("EXT-2026-11-0042");
    expect(all).toContain("Bob Martín");
    expect(all).toContain("Alice Durand");
    expect(all).toContain("Due 2026-12-01 00:00 UTC");
    expect(all).toContain("N/A");
    expect(all).toContain("AUTOFAIL");
    expect(all).toContain("Compliance — Données personnelles et sécurité");
    expect(all).toContain("Très bien, café offert — résumé clair");
    expect(all).toContain("Form scores (0–100)");
  });

  it("numbers every page as Page x of y", () => {
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((text, i) => expect(text).toContain(`Page ${i + 1} of ${pages.length}`));
  });

  it("does not say UNCOMPLETED for a completed session", () => {
    for (const text of pages) expect(text).not.toContain("UNCOMPLETED");
  });

  it("marks every page and the title UNCOMPLETED for a session that is not completed", async () => {
    const open = await pdfPages(await renderPdf(inputFor("InProgress", "Expired")));
    expect(open.length).toBeGreaterThan(1);
    for (const text of open) expect(text).toContain("UNCOMPLETED — status Expired");
    expect(open[0]).toContain("Evaluation: Week 48 – Alice / Zoë (review) (UNCOMPLETED)");
  });

  it("lets pdfmake read only its own fonts and fetch no URL", async () => {
    // Importing pdf.ts configured the shared instance; any other path or URL is refused.
    await expect(
      pdfmake.createPdf({ content: [{ image: "/etc/hostname" }] }).getBuffer(),
    ).rejects.toThrow(/denied/);
    await expect(
      pdfmake.createPdf({ content: [{ image: "http://127.0.0.1:9/x.png" }] }).getBuffer(),
    ).rejects.toThrow(/denied/);
  });
});
