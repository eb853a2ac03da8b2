// Exports beside requests: how long a warm export takes through the export workers, and how much
// the event loop stalls while four xlsx exports run next to a stream of GET requests served
// over HTTP in this process (the harness's functions and in-memory stores, as save-throughput.ts)
// and sent by a child process, so that the loop measured is the server's alone.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { buildHostTable } from "../dev/routes.js";
import { serveFunctions } from "../dev/serve-functions.js";
import { renderExport, type ExportFormat } from "../shared/exports/index.js";
import { registeredFunctions } from "../shared/registry.js";
import { fixtureSession } from "../test/support/export-fixture.js";
import { createTestApp } from "../test/support/harness.js";
import { alice, createSession } from "../test/support/scenario.js";
import { summarize, type Measurement } from "./figures.js";

const input = {
  session: fixtureSession({ forms: 5, questionsPerForm: 40, allAnswered: true }),
  status: "Completed" as const,
  generatedAt: new Date(),
};
const exportOnce = (format: ExportFormat) =>
  renderExport(format, input, { password: "bench-password-123" });

async function exportMs(format: ExportFormat, runs: number): Promise<number[]> {
  await exportOnce(format); // starts the worker and loads the renderer
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await exportOnce(format);
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** Four connections, each sending the next GET when the last one is answered, until killed. */
const getStream = `
const get = async () => {
  for (;;) await (await fetch(process.env.BENCH_URL, { headers: { authorization: process.env.BENCH_AUTH } })).arrayBuffer();
};
for (let i = 0; i < 4; i++) void get();`;

export const exportLoad: Measurement = {
  title: "exports beside requests",
  about:
    "The 5 × 40 session of `exportMs`, rendered through the export workers (`EXPORT_WORKERS` = 1) " +
    "after a first export has started the worker: `xlsxExportMs` and `pdfExportMs` per export. " +
    "`eventLoopMaxDelayDuringExportsMs` is the largest event-loop delay " +
    "`monitorEventLoopDelay` (10 ms resolution, so an idle loop reads about 10) records while 4 xlsx " +
    "exports run beside 4 connections of another process sending `GET /sessions/{id}` over HTTP; " +
    "`getsDuringExports` counts the GETs answered meanwhile.",
  async measure({ quick }) {
    const runs = quick ? 3 : 7;
    const xlsx = await exportMs("xlsx", runs);
    const pdf = await exportMs("pdf", runs);

    const app = await createTestApp();
    const s = await createSession(app);
    const server = createServer(serveFunctions(buildHostTable(registeredFunctions())));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    let answered = 0;
    let refused = 0;
    server.on("request", (_req, res) =>
      res.on("finish", () => (res.statusCode === 200 ? answered++ : refused++)),
    );
    const env = {
      ...process.env,
      BENCH_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sessions/${s.sessionId}`,
      BENCH_AUTH: `Bearer ${await app.token(alice)}`,
    };
    const delays: number[] = [];
    const gets: number[] = [];
    try {
      for (let r = 0; r < (quick ? 2 : 5); r++) {
        const client = spawn(process.execPath, ["-e", getStream], { env, stdio: "ignore" });
        while (answered < 100) {
          if (client.exitCode !== null || refused > 0) throw new Error("The GETs do not succeed");
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const before = answered;
        const delay = monitorEventLoopDelay({ resolution: 10 });
        delay.enable();
        await Promise.all(Array.from({ length: 4 }, () => exportOnce("xlsx")));
        // A stall is recorded when the loop next turns: let it turn before reading.
        await new Promise((resolve) => setTimeout(resolve, 20));
        delay.disable();
        delays.push(delay.max / 1e6);
        gets.push(answered - before);
        if (refused > 0) throw new Error(`${refused} GETs were not answered 200`);
        const exited = once(client, "exit");
        client.kill();
        await exited;
        answered = 0;
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
    return {
      xlsxExportMs: summarize(xlsx),
      pdfExportMs: summarize(pdf),
      eventLoopMaxDelayDuringExportsMs: summarize(delays),
      getsDuringExports: summarize(gets),
    };
  },
};
