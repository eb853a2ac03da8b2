// The throughput benchmark's server: the registered functions served over HTTP with the local
// host's routing (dev/serve-functions.ts) and in-memory services (the unit-test harness: real token
// checks, in-memory stores), plus functions registered only here: the no-op baseline, a
// save-shaped no-op and a reading of CPU time and GC pauses. Runs as a child process so the load
// generator does not share its CPU; prints one JSON line.
//   npx tsx bench/server.ts <typical|large> <sessionsToSave> <sessionsToComplete>
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PerformanceObserver } from "node:perf_hooks";
import { buildHostTable } from "../dev/routes.js";
import { serveFunctions } from "../dev/serve-functions.js";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import { customerCareForm } from "../dev/example-form.js";
import {
  admin,
  alice,
  createForm,
  createLargeForms,
  createSession,
} from "../test/support/scenario.js";
import { json } from "../shared/http/responses.js";
import { httpFunction, registeredFunctions } from "../shared/registry.js";
import {
  cpuRoute,
  noopRoute,
  oneAnswerSave,
  saveShapedRoute,
  sessionShapes,
  type SaveTarget,
  type SessionShape,
} from "./server-routes.js";

httpFunction({
  name: "benchNoop",
  route: noopRoute,
  methods: ["GET"],
  access: "anonymous",
  summary: "Does nothing (the benchmark's baseline, called like a health check)",
  responses: [{ status: 200, description: "Nothing" }],
  handler: () => Promise.resolve(json(200, { ok: true })),
});

/** The main thread's garbage-collection pauses so far, in µs, as V8 reports them. */
let gcPauseMicros = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauseMicros += entry.duration * 1000;
}).observe({ entryTypes: ["gc"] });

httpFunction({
  name: "benchCpu",
  route: cpuRoute,
  methods: ["GET"],
  access: "anonymous",
  summary: "CPU time this process has used (all threads) and its GC pauses so far",
  responses: [{ status: 200, description: "`{ micros, gcPauseMicros }`" }],
  handler: () => {
    const { user, system } = process.cpuUsage();
    return Promise.resolve(json(200, { micros: user + system, gcPauseMicros }));
  },
});

/**
 * A no-op shaped like a save, for what the runtime alone makes a save cost: it is sent the
 * save's very request (PUT, token, If-Match, JSON body), reads the body through the Functions
 * request and returns a prebuilt body as large as the save's response, with an ETag. It checks
 * no token, parses nothing, stores nothing and serialises nothing.
 */
function registerSaveShapedNoop(responseBytes: number): void {
  const shell = JSON.stringify({ filler: "" });
  const body = JSON.stringify({ filler: "x".repeat(Math.max(0, responseBytes - shell.length)) });
  httpFunction({
    name: "benchSaveShapedNoop",
    route: saveShapedRoute,
    methods: ["PUT"],
    access: "anonymous",
    summary: "Reads the body, returns a body as large as a save's (the benchmark's bound)",
    responses: [{ status: 200, description: "Filler" }],
    handler: async ({ request }) => {
      await request.arrayBuffer();
      return { status: 200, headers: { "Content-Type": "application/json", ETag: '"1"' }, body };
    },
  });
}

export interface BenchSession {
  id: string;
  etag: string;
  formId: string;
}

export interface ServerReady {
  port: number;
  shape: SessionShape;
  save: SaveTarget;
  evaluatorToken: string;
  adminToken: string;
  /** Sessions each load-generator connection saves (one per connection). */
  toSave: BenchSession[];
  /** Fully answered sessions, each completed once. */
  toComplete: BenchSession[];
  /** Bytes of a one-answer save's response body, which the save-shaped no-op returns. */
  saveResponseBytes: number;
}

interface SeededForms {
  formIds: string[];
  /** Answers for every question, so a session can be completed. */
  answers: Record<string, Record<string, unknown>>;
  save: SaveTarget;
}

async function seedForms(app: TestApp, shape: SessionShape): Promise<SeededForms> {
  if (shape === "large") {
    const { formIds, answers } = await createLargeForms(app, 5, 40);
    const formId = formIds[0] ?? "";
    // q1 of every fixture form is a yes/no question.
    return { formIds, answers, save: { formId, questionId: "q1", answerIds: ["yes", "no"] } };
  }
  const { id: formId } = await createForm(app, customerCareForm);
  const answers = {
    [formId]: {
      greet: { answerIds: ["yes"] },
      verify: { answerIds: ["full"] },
      resolved: { answerIds: ["yes"] },
      notes: { text: "Friendly, resolved on the first call." },
    },
  };
  return {
    formIds: [formId],
    answers,
    save: { formId, questionId: "greet", answerIds: ["yes", "no"] },
  };
}

/** Saves one answer on a session of its own, as the load does, and sizes the response. */
async function measureSaveResponse(
  app: TestApp,
  [probe]: BenchSession[],
  save: SaveTarget,
): Promise<number> {
  if (!probe) throw new Error("No session to size the save's response.");
  const res = await app.call("sessionsAnswers", {
    as: alice,
    params: { id: probe.id },
    headers: { "if-match": probe.etag },
    body: oneAnswerSave(save, save.answerIds[0]),
  });
  if (res.status !== 200) throw new Error(`probe save: ${res.status}`);
  // The body was JSON.stringify'd; doing it again on the parsed value gives the same bytes.
  return Buffer.byteLength(JSON.stringify(res.json));
}

async function main(shape: SessionShape, toSaveCount: number, toCompleteCount: number) {
  // Unfrozen documents, as the Cosmos adapter's are (InMemoryOptions says why).
  const app = await createTestApp({ stores: { freezeDocuments: false } });
  const { formIds, answers, save } = await seedForms(app, shape);
  const formId = save.formId;
  const sessionIds = async (n: number) => {
    const out: BenchSession[] = [];
    for (let i = 0; i < n; i++) {
      const s = await createSession(app, { formIds }, formId);
      out.push({ id: s.sessionId, etag: s.etag, formId });
    }
    return out;
  };
  const toSave = await sessionIds(toSaveCount);
  const toComplete: BenchSession[] = [];
  for (const s of await sessionIds(toCompleteCount)) {
    const res = await app.call("sessionsAnswers", {
      as: alice,
      params: { id: s.id },
      headers: { "if-match": s.etag },
      body: { answers },
    });
    if (res.status !== 200) throw new Error(`seed save: ${res.status}`);
    toComplete.push({ ...s, etag: res.headers.etag ?? "" });
  }

  const saveResponseBytes = await measureSaveResponse(app, await sessionIds(1), save);
  registerSaveShapedNoop(saveResponseBytes);
  const table = buildHostTable(registeredFunctions());
  const server = createServer(serveFunctions(table));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const ready: ServerReady = {
    port: (server.address() as AddressInfo).port,
    shape,
    save,
    evaluatorToken: await app.token(alice),
    adminToken: await app.token(admin),
    toSave,
    toComplete,
    saveResponseBytes,
  };
  // Exit on the load generator's SIGTERM, so that a profile (--cpu-prof) is written.
  process.once("SIGTERM", () => process.exit(0));
  console.log(JSON.stringify(ready));
}

if (process.argv[1] === import.meta.filename) {
  const shape = sessionShapes.find((s) => s === process.argv[2]);
  if (!shape)
    throw new Error(`Usage: bench/server.ts <${sessionShapes.join("|")}> [saves] [completes]`);
  await main(shape, Number(process.argv[3] ?? 10), Number(process.argv[4] ?? 100));
}
