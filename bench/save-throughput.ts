// Save versus no-op throughput: autocannon against the registered functions, served over HTTP in
// this process with the local host's routing (dev/serve-functions.ts) and the test harness's
// services (in-memory stores, real token checks).
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import autocannon, { type Client, type Options } from "autocannon";
import { buildHostTable } from "../dev/routes.js";
import { serveFunctions } from "../dev/serve-functions.js";
import { json } from "../shared/http/responses.js";
import { httpFunction, registeredFunctions } from "../shared/registry.js";
import { createTestApp } from "../test/support/harness.js";
import { alice, createForm, createSession } from "../test/support/scenario.js";
import { summarize, type Measurement } from "./figures.js";

const connections = 10;
const noopRoute = "bench/noop";

function registerNoop(): void {
  if (registeredFunctions().some((f) => f.name === "benchNoop")) return;
  httpFunction({
    name: "benchNoop",
    route: noopRoute,
    methods: ["GET"],
    access: "anonymous",
    summary: "Does nothing (the benchmark's baseline, called like a health check)",
    responses: [{ status: 200, description: "Nothing" }],
    handler: () => Promise.resolve(json(200, { ok: true })),
  });
}

/** A session one connection saves, with the ETag of its latest response. */
interface Saved {
  id: string;
  etag: string;
  saves: number;
}

/** Each connection saves a session of its own, toggling the `greet` answer on every request. */
function saveClients(
  sessions: Saved[],
  formId: string,
  token: string,
  onStatus: (status: number) => void,
) {
  let next = 0;
  return (client: Client) => {
    const session = sessions[next++ % sessions.length];
    if (!session) throw new Error("No session for this connection.");
    const request = () => ({
      method: "PUT",
      path: `/api/sessions/${session.id}/answers`,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "if-match": session.etag,
      },
      body: JSON.stringify({
        answers: { [formId]: { greet: { answerIds: [session.saves++ % 2 ? "no" : "yes"] } } },
      }),
    });
    client.setRequests([
      {
        setupRequest: (req) => ({ ...req, ...request() }),
        onResponse: (status, _body, _context, headers) => {
          onStatus(status);
          if (typeof headers.etag === "string") session.etag = headers.etag;
        },
      },
    ]);
  };
}

/**
 * Requests per second from the start to the last response. Runs are fixed amounts, so every
 * save's response (and its ETag) arrives before the run ends.
 */
async function rate(options: Options, amount: number): Promise<number> {
  const t0 = performance.now();
  let last = t0;
  let responses = 0;
  await autocannon({
    ...options,
    connections,
    amount,
    sampleInt: 100,
    setupClient: (client) => {
      options.setupClient?.(client);
      client.on("response", () => {
        responses++;
        last = performance.now();
      });
    },
  });
  return responses / ((last - t0) / 1000);
}

export const saveThroughput: Measurement = {
  title: "save vs no-op throughput",
  about:
    "Requests per second of saves (`PUT /sessions/{id}/answers`, one answer changed, on docs/api.md's " +
    'one-form "Customer care" session) ÷ those of a no-op function called like a health check, ' +
    `in runs side by side: autocannon (${connections} connections) against the functions served ` +
    "over HTTP in one process with in-memory stores and real token checks. Each connection saves " +
    "its own session with the ETag of its previous response, so `saveStatus412` counts " +
    "conflicts that should not happen.",
  async measure({ quick }) {
    registerNoop();
    const app = await createTestApp();
    const { id: formId } = await createForm(app);
    const sessions: Saved[] = [];
    for (let i = 0; i < connections; i++) {
      const s = await createSession(app, {}, formId);
      sessions.push({ id: s.sessionId, etag: s.etag, saves: 0 });
    }
    const server = createServer(serveFunctions(buildHostTable(registeredFunctions())));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let status412 = 0;
    const token = await app.token(alice);
    const clients = saveClients(sessions, formId, token, (status) => {
      if (status === 412) status412++;
    });
    const noop = (amount: number) => rate({ url: `${url}/api/${noopRoute}` }, amount);
    const save = (amount: number) => rate({ url, setupClient: clients }, amount);
    try {
      // Warm-up runs, which also size each run to about `seconds`.
      const seconds = quick ? 1.5 : 3;
      const noopAmount = Math.round((await noop(connections * 200)) * seconds);
      const saveAmount = Math.round((await save(connections * 50)) * seconds);
      const ratios: number[] = [];
      const saveRps: number[] = [];
      const noopRps: number[] = [];
      for (let i = 0; i < (quick ? 5 : 9); i++) {
        // Alternating order, so a machine speeding up or slowing down favours neither side.
        let saves: number;
        let noops: number;
        if (i % 2 === 0) {
          noops = await noop(noopAmount);
          saves = await save(saveAmount);
        } else {
          saves = await save(saveAmount);
          noops = await noop(noopAmount);
        }
        ratios.push(saves / noops);
        saveRps.push(saves);
        noopRps.push(noops);
      }
      return {
        saveVsHealthThroughput: summarize(ratios),
        saveRequestsPerSecond: summarize(saveRps),
        noopRequestsPerSecond: summarize(noopRps),
        saveStatus412: status412,
      };
    } finally {
      server.closeAllConnections();
      server.close();
    }
  },
};
