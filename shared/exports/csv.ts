// CSV export: a header row, then one row per question of every form. RFC 4180 quoting, CRLF,
// UTF-8 with a BOM (so Excel reads accents), and text cells that a spreadsheet would run as a
// formula are neutralised with a leading apostrophe (CSV injection).
import { exportRows, formatScore, type ExportInput } from "./model.js";

export const csvHeader = [
  "Session ID",
  "Session",
  "Status",
  "Version",
  "Interaction ID",
  "External ID",
  "Agent",
  "Evaluator",
  "Form",
  "Form Version",
  "Form Score",
  "Form Autofailed",
  "Group",
  "Group Weight",
  "Group Score",
  "Question",
  "Type",
  "Required",
  "Question Weight",
  "Answer",
  "Answer Score",
  "N/A",
  "Autofail",
  "Text",
] as const;

/** A spreadsheet treats these leading characters as the start of a formula. */
const formulaStart = /^[=+\-@\t\r]/;

export function neutralize(cell: string): string {
  return formulaStart.test(cell) ? `'${cell}` : cell;
}

export function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

const yesNo = (b: boolean): string => (b ? "Yes" : "No");

/** The cells of the file before quoting: text cells already neutralised. */
export function csvRows(input: ExportInput): string[][] {
  const { summary, rows } = exportRows(input);
  const forms = new Map(summary.forms.map((f) => [f.formId, f]));
  const text = (s: string | null): string => neutralize(s ?? "");
  return [
    [...csvHeader],
    ...rows.map((r) => {
      const form = forms.get(r.formId);
      const groupScore = form?.groups.find((g) => g.groupId === r.groupId)?.score ?? null;
      return [
        text(summary.sessionId),
        text(summary.sessionName),
        summary.status,
        summary.version === null ? "" : String(summary.version),
        text(summary.interactionId),
        text(summary.externalId),
        text(summary.agent),
        text(summary.evaluator),
        text(r.formName),
        String(form?.version ?? ""),
        formatScore(form?.score ?? null),
        yesNo(form?.autofailed ?? false),
        text(r.groupName),
        formatScore(r.groupWeight),
        formatScore(groupScore),
        text(r.question),
        r.type,
        yesNo(r.required),
        formatScore(r.questionWeight),
        text(r.answerLabels.join("; ")),
        formatScore(r.answerScore),
        yesNo(r.na),
        yesNo(r.autofail),
        text(r.text),
      ];
    }),
  ];
}

export function renderCsv(input: ExportInput): Uint8Array {
  const body = csvRows(input)
    .map((row) => row.map(quote).join(","))
    .join("\r\n");
  return new TextEncoder().encode(`\uFEFF${body}\r\n`);
}
