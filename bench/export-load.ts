// Warm exports, and the event loop of a server rendering them while it answers GETs sent by
// another process (so that the loop measured is the server's alone).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { listenFunctions } from "../dev/serve-functions.js";
import { renderExport, type ExportFormat } from "../shared/exports/index.js";
import { registeredFunctions } from "../shared/registry.js";
import { fixtureSession } from "../test/support/export-fixture.js";
import { createTestApp } from "../test/support/harness.js";
import { alice, createSession } from "../test/support/scenario.js";
import { summarize, timeEach, type Measurement } from "./figures.js";

const input = {
  session: fixtureSession({ forms: 5, questionsPerForm: 40, allAnswered: true }),
  status: "Completed" as const,
  generatedAt: new Date(),
};
const exportOnce = (format: ExportFormat) =>
  renderExport(format, input, { password: "bench-password-123" });

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
    // The first export of each format starts the worker and loads the renderer.
    const xlsx = await timeEach(() => exportOnce("xlsx"), runs);
    const pdf = await timeEach(() => exportOnce("pdf"), runs);

    const app = await createTestApp();
    const s = await createSession(app);
    const { url, server, close } = await listenFunctions(registeredFunctions());
    let answered = 0;
    let refused = 0;
    server.on("request", (_req, res) =>
      res.on("finish", () => (res.statusCode === 200 ? answered++ : refused++)),
    );
    const env = {
      ...process.env,
      BENCH_URL: `${url}/api/sessions/${s.sessionId}`,
      BENCH_AUTH: `Bearer ${await app.token(alice)}`,
    };
    const delays: number[] = [];
    const gets: number[] = [];
    const client = spawn(process.execPath, ["-e", getStream], { env, stdio: "ignore" });
    try {
      while (answered < 100) {
        if (client.exitCode !== null || refused > 0) throw new Error("The GETs do not succeed");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (let r = 0; r < (quick ? 2 : 5); r++) {
        const before = answered;
        const delay = monitorEventLoopDelay({ resolution: 10 });
        delay.enable();
        await Promise.all(Array.from({ length: 4 }, () => exportOnce("xlsx")));
        // A stall is recorded when the loop next turns: let it turn before reading.
        await new Promise((resolve) => setTimeout(resolve, 20));
        delay.disable();
        delays.push(delay.max / 1e6);
        gets.push(answered - before);
      }
      if (refused > 0) throw new Error(`${refused} GETs were not answered 200`);
    } finally {
      const exited = once(client, "exit");
      client.kill();
      await exited;
      close();
    }
    return {
      xlsxExportMs: xlsx,
      pdfExportMs: pdf,
      eventLoopMaxDelayDuringExportsMs: summarize(delays),
      getsDuringExports: summarize(gets),
    };
  },
};
