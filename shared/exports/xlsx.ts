// Excel export: a Summary sheet and one sheet per form, written with exceljs and then encrypted
// (ECMA-376 agile encryption, agile-encryption.ts) so Excel opens it only with the password.
// Loaded lazily by the export worker (worker.ts): exceljs is heavy and only exports need it.
import ExcelJS from "exceljs";
import { encryptAgile } from "./agile-encryption.js";
import { exportRows, type ExportInput, type ExportRow } from "./model.js";
import { assertExportPassword } from "./password.js";
import { sheetNames } from "./sheet-names.js";

const SCORE_FORMAT = "0.00";
const DATE_FORMAT = "yyyy-mm-dd hh:mm";
const SUMMARY_SHEET = "Summary";

const yesNo = (b: boolean): string => (b ? "Yes" : "No");
const date = (iso: string | null): Date | null => (iso === null ? null : new Date(iso));

const headerStyle: Partial<ExcelJS.Style> = {
  font: { bold: true, color: { argb: "FFFFFFFF" } },
  fill: { type: "pattern", pattern: "solid", fgColor: { argb: "FF2F5597" } },
  alignment: { vertical: "middle", wrapText: true },
};

function styleHeader(row: ExcelJS.Row): void {
  row.eachCell((cell) => {
    cell.style = { ...cell.style, ...headerStyle };
  });
}

type Summary = ReturnType<typeof exportRows>["summary"];

function addSummary(workbook: ExcelJS.Workbook, summary: Summary, formSheets: string[]): void {
  const sheet = workbook.addWorksheet(SUMMARY_SHEET, {
    views: [{ state: "frozen", ySplit: 1 }],
  });
  sheet.columns = [
    { header: "Field", key: "field", width: 26 },
    { header: "Value", key: "value", width: 48 },
    { header: "", key: "c", width: 12 },
    { header: "", key: "d", width: 12 },
    { header: "", key: "e", width: 34 },
  ];
  styleHeader(sheet.getRow(1));

  const fields: [string, string | number | Date | null, string?][] = [
    ["Session", summary.sessionName],
    ["Session ID", summary.sessionId],
    ["Type", summary.type],
    ["Status", summary.status],
    ["Archived", yesNo(summary.archived)],
    ["Interaction ID", summary.interactionId],
    ["External ID", summary.externalId],
    ["Channel", summary.channel],
    ["Interaction started (UTC)", date(summary.interactionStartedAt), DATE_FORMAT],
    ["Agent", summary.agent],
    ["Evaluator", summary.evaluator ?? "(unassigned)"],
    ["Created (UTC)", date(summary.createdAt), DATE_FORMAT],
    ["Due (UTC)", date(summary.dueDate), DATE_FORMAT],
    ["Completed (UTC)", date(summary.completedAt), DATE_FORMAT],
    ["Last edited (UTC)", date(summary.lastEditedAt), DATE_FORMAT],
    ["Generated (UTC)", date(summary.generatedAt), DATE_FORMAT],
    ["Version", summary.version],
    ["Session score", summary.sessionScore, SCORE_FORMAT],
  ];
  for (const [field, value, numFmt] of fields) {
    const row = sheet.addRow([field, value]);
    row.getCell(1).font = { bold: true };
    if (numFmt) row.getCell(2).numFmt = numFmt;
    row.getCell(2).alignment = { horizontal: "left" };
  }

  sheet.addRow([]);
  const formHeader = sheet.addRow(["Form", "Version", "Score", "Autofailed", "Sheet"]);
  styleHeader(formHeader);
  summary.forms.forEach((form, i) => {
    const row = sheet.addRow([
      form.name,
      form.version,
      form.score,
      yesNo(form.autofailed),
      formSheets[i],
    ]);
    row.getCell(3).numFmt = SCORE_FORMAT;
    if (form.autofailed) row.getCell(4).font = { bold: true, color: { argb: "FFC00000" } };
  });
}

function addFormSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  rows: ExportRow[],
  form: Summary["forms"][number],
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [
    { header: "Group", key: "group", width: 22 },
    { header: "Group Weight", key: "groupWeight", width: 9 },
    { header: "Question", key: "question", width: 48 },
    { header: "Type", key: "type", width: 13 },
    { header: "Required", key: "required", width: 9 },
    { header: "Weight", key: "weight", width: 8 },
    { header: "Answer", key: "answer", width: 30 },
    { header: "Answer Score", key: "answerScore", width: 9, style: { numFmt: SCORE_FORMAT } },
    { header: "N/A", key: "na", width: 6 },
    { header: "Autofail", key: "autofail", width: 9 },
    { header: "Comment / Text", key: "text", width: 48 },
  ];
  styleHeader(sheet.getRow(1));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 11 } };
  for (const r of rows) {
    const row = sheet.addRow({
      group: r.groupName,
      groupWeight: r.groupWeight,
      question: r.question,
      type: r.type,
      required: yesNo(r.required),
      weight: r.questionWeight,
      answer: r.answerLabels.join("; "),
      answerScore: r.answerScore,
      na: r.na ? "N/A" : "",
      autofail: r.autofail ? "AUTOFAIL" : "",
      text: r.text ?? "",
    });
    row.getCell("question").alignment = { wrapText: true, vertical: "top" };
    row.getCell("text").alignment = { wrapText: true, vertical: "top" };
    if (r.autofail) row.getCell("autofail").font = { bold: true, color: { argb: "FFC00000" } };
  }

  sheet.addRow([]);
  const scoreRow = sheet.addRow(["Form score", null, form.score]);
  scoreRow.getCell(3).numFmt = SCORE_FORMAT;
  scoreRow.getCell(3).alignment = { horizontal: "left" };
  scoreRow.getCell(1).font = { bold: true };
  const autofailRow = sheet.addRow(["Autofailed", null, yesNo(form.autofailed)]);
  autofailRow.getCell(1).font = { bold: true };
  for (const g of form.groups) {
    const row = sheet.addRow([`Group score: ${g.name}`, g.weight, g.score ?? "n/a (dropped out)"]);
    row.getCell(3).numFmt = SCORE_FORMAT;
    row.getCell(3).alignment = { horizontal: "left" };
  }
}

/** The unencrypted workbook; exported for tests and the benchmark only. */
export async function buildWorkbook(input: ExportInput): Promise<Uint8Array> {
  const { summary, rows } = exportRows(input);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Evaluation Sessions";
  workbook.created = input.generatedAt;
  workbook.modified = input.generatedAt;
  const names = sheetNames(
    summary.forms.map((f) => f.name),
    [SUMMARY_SHEET],
  );
  addSummary(workbook, summary, names);
  summary.forms.forEach((form, i) => {
    addFormSheet(
      workbook,
      names[i] ?? `Form ${i + 1}`,
      rows.filter((r) => r.formId === form.formId),
      form,
    );
  });
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** A password-protected .xlsx (agile encryption, AES-256); throws without a valid password. */
export async function renderXlsx(
  input: ExportInput,
  password: string | undefined,
): Promise<Uint8Array> {
  assertExportPassword(password);
  return encryptAgile(await buildWorkbook(input), password);
}
