import { describe, it, expect } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { exportContentTypes, renderExport } from "./index.js";
import type { ExportInput } from "./model.js";
import { fixtureSession } from "../../test/support/export-fixture.js";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Loads index.ts in a fresh Node process and reports which heavy packages the main thread's
 * CommonJS loader holds after the import and after each render. Node registers every CommonJS
 * module, including ones reached through ESM `import`, in require.cache, so absence there means
 * never loaded on that thread (the export workers have loaders of their own).
 */
const probe = `
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const heavy = () => [...new Set(Object.keys(require.cache)
  .map((p) => /node_modules[\\\\/](exceljs|pdfmake|cfb|pdfkit)[\\\\/]/.exec(p)?.[1])
  .filter(Boolean))].sort();
const report = {};
const m = await import("./shared/exports/index.ts");
report.afterImport = heavy();
const { fixtureSession } = await import("./test/support/export-fixture.ts");
const input = { session: fixtureSession(), status: "Completed", generatedAt: new Date() };
await m.renderExport("csv", input);
report.afterCsv = heavy();
await m.renderExport("xlsx", input, { password: "a-long-password" });
report.afterXlsx = heavy();
await m.renderExport("pdf", input);
report.afterPdf = heavy();
console.log(JSON.stringify(report));
`;

const input: ExportInput = {
  session: fixtureSession({ name: "Week 48 / Zoë" }),
  status: "InProgress",
  generatedAt: new Date("2026-11-25T10:00:00Z"),
};

describe("renderExport", () => {
  it("never loads exceljs, cfb or pdfmake on the main thread: the export workers do", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", probe],
      { cwd: repoRoot },
    );
    const report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
    expect(report).toEqual({ afterImport: [], afterCsv: [], afterXlsx: [], afterPdf: [] });
  }, 60_000);

  it("names each file as docs/api.md says and sets its content type", async () => {
    const csv = await renderExport("csv", input);
    expect(csv.fileName).toBe("uncompleted_Week_48___Zo__sess-7f3a9c.csv");
    expect(csv.contentType).toBe("text/csv; charset=utf-8");
    const done = await renderExport("pdf", { ...input, status: "Completed" });
    expect(done.fileName).toBe("Week_48___Zo__sess-7f3a9c.pdf");
    expect(done.contentType).toBe(exportContentTypes.pdf);
    expect(new TextDecoder().decode(done.bytes.slice(0, 5))).toBe("%PDF-");
  });

  it("refuses an xlsx without a valid password", async () => {
    await expect(renderExport("xlsx", input)).rejects.toThrow(/8–128/);
    const xlsx = await renderExport("xlsx", input, { password: "eight888" });
    expect(xlsx.fileName).toBe("uncompleted_Week_48___Zo__sess-7f3a9c.xlsx");
    expect([...xlsx.bytes.slice(0, 4)]).toEqual([0xd0, 0xcf, 0x11, 0xe0]);
  });
});
