// PDF export: the xlsx content laid out for printing on A4, with a per-form score bar chart,
// autofail and N/A marks, "Page x of y" footers and an UNCOMPLETED banner on every page of a
// session that is not Completed. Loaded lazily through index.ts (pdfmake is heavy).
import { createRequire } from "node:module";
import { dirname, sep } from "node:path";
import pdfmake from "pdfmake";
import {
  exportRows,
  formatDate,
  formatScore,
  type ExportFormSummary,
  type ExportInput,
  type ExportRow,
  type ExportSummary,
} from "./model.js";

/** A pdfmake content node; pdfmake validates the shape itself. */
type Content = string | { [key: string]: unknown } | Content[];

const require = createRequire(import.meta.url);
const fontFile = (name: string): string => require.resolve(`pdfmake/fonts/Roboto/${name}`);
const fonts = {
  normal: fontFile("Roboto-Regular.ttf"),
  bold: fontFile("Roboto-Medium.ttf"),
  italics: fontFile("Roboto-Italic.ttf"),
  bolditalics: fontFile("Roboto-MediumItalic.ttf"),
};
const fontDir = dirname(fonts.normal) + sep;

// pdfmake's instance is process-wide; configure it once. The fonts are the only files it may
// read, and it may fetch nothing: session text can never make it reach a path or the network.
pdfmake.addFonts({ Roboto: fonts });
pdfmake.setLocalAccessPolicy((path) => path.startsWith(fontDir));
pdfmake.setUrlAccessPolicy(() => false);

const RED = "#C00000";
const BLUE = "#2F5597";
const GREY = "#E7E6E6";
const BAR_WIDTH = 260;
const BAR_HEIGHT = 12;

function summaryTable(s: ExportSummary): Content {
  const pairs: [string, string][] = [
    ["Session", s.sessionName],
    ["Session ID", s.sessionId],
    ["Type", s.type],
    ["Status", s.status + (s.archived ? " (archived)" : "")],
    ["Interaction ID", s.interactionId],
    ["External ID", s.externalId],
    ["Channel", s.channel],
    ["Interaction started", formatDate(s.interactionStartedAt)],
    ["Agent", s.agent],
    ["Evaluator", s.evaluator ?? "(unassigned)"],
    ["Created", formatDate(s.createdAt)],
    ["Due", formatDate(s.dueDate)],
    ["Completed", s.completedAt === null ? "not completed" : formatDate(s.completedAt)],
    ["Last edited", formatDate(s.lastEditedAt)],
    ["Version", s.version === null ? "not completed" : String(s.version)],
    ["Session score", formatScore(s.sessionScore, "no score")],
  ];
  return {
    table: {
      widths: [120, "*"],
      body: pairs.map(([k, v]) => [{ text: k, bold: true }, { text: v }]),
    },
    layout: "lightHorizontalLines",
    margin: [0, 0, 0, 12],
  };
}

/** One horizontal bar per form on a 0–100 scale, drawn with canvas rectangles. */
function scoreChart(forms: ExportFormSummary[]): Content {
  const axis = [0, 25, 50, 75, 100];
  const rows: Content[] = forms.map((f) => {
    const value = f.score ?? 0;
    const bar: Content[] = [
      { type: "rect", x: 0, y: 0, w: BAR_WIDTH, h: BAR_HEIGHT, color: GREY },
      ...(f.score === null
        ? []
        : [
            {
              type: "rect",
              x: 0,
              y: 0,
              w: (BAR_WIDTH * Math.max(0, Math.min(100, value))) / 100,
              h: BAR_HEIGHT,
              color: f.autofailed ? RED : BLUE,
            },
          ]),
      // Tick marks so the bar can be read against the scale.
      ...axis.map((t) => ({
        type: "line",
        x1: (BAR_WIDTH * t) / 100,
        y1: BAR_HEIGHT,
        x2: (BAR_WIDTH * t) / 100,
        y2: BAR_HEIGHT + 3,
        lineWidth: 0.5,
        lineColor: "#808080",
      })),
    ];
    const label =
      f.score === null ? "no score" : `${formatScore(f.score)}${f.autofailed ? "  AUTOFAIL" : ""}`;
    return {
      columns: [
        { width: 150, text: f.name, fontSize: 9, noWrap: false },
        { width: BAR_WIDTH + 10, canvas: bar },
        { width: "*", text: label, fontSize: 9, bold: true, color: f.autofailed ? RED : "black" },
      ],
      columnGap: 6,
      margin: [0, 2, 0, 6],
    };
  });
  const scale = {
    columns: [
      { width: 150, text: "" },
      {
        width: BAR_WIDTH + 10,
        columns: axis.map((t) => ({
          text: String(t),
          fontSize: 7,
          color: "#606060",
          alignment: t === 0 ? "left" : t === 100 ? "right" : "center",
        })),
      },
      { width: "*", text: "" },
    ],
    columnGap: 6,
  };
  return [{ text: "Form scores (0–100)", style: "h2" }, ...rows, scale];
}

function formsTable(forms: ExportFormSummary[]): Content {
  return {
    table: {
      headerRows: 1,
      widths: ["*", 50, 60, 60],
      body: [
        ["Form", "Version", "Score", "Autofailed"].map((t) => ({ text: t, style: "th" })),
        ...forms.map((f) => [
          f.name,
          String(f.version),
          formatScore(f.score, "no score"),
          f.autofailed ? { text: "AUTOFAIL", color: RED, bold: true } : "No",
        ]),
      ],
    },
    layout: "lightHorizontalLines",
    margin: [0, 10, 0, 0],
  };
}

function marks(r: ExportRow): Content {
  const out: Content[] = [];
  if (r.na) out.push({ text: "N/A", bold: true });
  if (r.autofail) out.push({ text: "AUTOFAIL", bold: true, color: RED });
  if (!r.answered && r.type !== "text") out.push({ text: "unanswered", italics: true });
  return { stack: out };
}

function formSection(form: ExportFormSummary, rows: ExportRow[]): Content {
  const header = ["Question", "Req.", "Weight", "Answer", "Score", "Marks", "Comment / Text"].map(
    (t) => ({ text: t, style: "th" }),
  );
  const body: Content[][] = [header];
  for (const group of form.groups) {
    body.push([
      {
        text: `${group.name}  ·  group weight ${group.weight}  ·  group score ${formatScore(group.score, "n/a (dropped out)")}`,
        colSpan: 7,
        bold: true,
        fillColor: "#F2F2F2",
      },
      "",
      "",
      "",
      "",
      "",
      "",
    ]);
    for (const r of rows.filter((x) => x.groupId === group.groupId)) {
      body.push([
        r.question,
        r.required ? "Yes" : "No",
        r.type === "text" ? "" : String(r.questionWeight),
        r.answerLabels.join("; "),
        formatScore(r.answerScore),
        marks(r),
        r.text ?? "",
      ]);
    }
  }
  return [
    {
      text: `${form.name} (version ${form.version})`,
      style: "h2",
      pageBreak: "before",
    },
    {
      text: [
        "Form score: ",
        { text: formatScore(form.score, "no score"), bold: true },
        ...(form.autofailed ? [{ text: "   AUTOFAIL", bold: true, color: RED }] : []),
      ],
      margin: [0, 0, 0, 8],
    },
    {
      table: { headerRows: 1, widths: [120, 26, 34, 80, 34, 48, "*"], body },
      layout: "lightHorizontalLines",
      fontSize: 8,
    },
  ];
}

export function pdfDefinition(input: ExportInput): object {
  const { summary, rows } = exportRows(input);
  const uncompleted = !summary.completed;
  return {
    pageSize: "A4",
    pageMargins: [40, uncompleted ? 64 : 48, 40, 48],
    info: {
      title: `Evaluation ${summary.sessionName}`,
      author: "Evaluation Sessions",
      creator: "Evaluation Sessions",
      subject: `Session ${summary.sessionId}`,
    },
    defaultStyle: { font: "Roboto", fontSize: 10 },
    styles: {
      h1: { fontSize: 16, bold: true, margin: [0, 0, 0, 4] },
      h2: { fontSize: 13, bold: true, margin: [0, 12, 0, 6] },
      th: { bold: true, color: "white", fillColor: BLUE },
    },
    header: (): Content =>
      uncompleted
        ? {
            text: `UNCOMPLETED — status ${summary.status}; scores may change`,
            alignment: "center",
            bold: true,
            color: "white",
            background: RED,
            fontSize: 11,
            margin: [40, 24, 40, 0],
          }
        : {
            text: `${summary.sessionName} · ${summary.sessionId}`,
            fontSize: 8,
            color: "#606060",
            margin: [40, 24, 40, 0],
          },
    footer: (currentPage: number, pageCount: number): Content => ({
      columns: [
        { text: `Generated ${formatDate(summary.generatedAt)}`, fontSize: 8, color: "#606060" },
        { text: `Page ${currentPage} of ${pageCount}`, fontSize: 8, alignment: "right" },
      ],
      margin: [40, 16, 40, 0],
    }),
    content: [
      {
        text: `Evaluation: ${summary.sessionName}${uncompleted ? " (UNCOMPLETED)" : ""}`,
        style: "h1",
        color: uncompleted ? RED : "black",
      },
      {
        text: `Session score: ${formatScore(summary.sessionScore, "no score")}`,
        fontSize: 12,
        margin: [0, 0, 0, 10],
      },
      summaryTable(summary),
      scoreChart(summary.forms),
      formsTable(summary.forms),
      ...summary.forms.map((f) =>
        formSection(
          f,
          rows.filter((r) => r.formId === f.formId),
        ),
      ),
    ],
  };
}

export async function renderPdf(input: ExportInput): Promise<Uint8Array> {
  const buffer = await pdfmake.createPdf(pdfDefinition(input)).getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
