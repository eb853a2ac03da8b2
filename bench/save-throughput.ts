// Save throughput against health checks, served over HTTP by this process.
import autocannon, { type Client, type Options } from "autocannon";
import { listenFunctions } from "../dev/serve-functions.js";
import { registeredFunctions } from "../shared/registry.js";
import { createTestApp } from "../test/support/harness.js";
import { alice, createForm, createSession } from "../test/support/scenario.js";
import { summarize, type Measurement } from "./figures.js";

const connections = 10;
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
      method: "PUT" as const,
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
          if (typeof headers?.etag === "string") session.etag = headers.etag;
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
  title: "save vs health throughput",
  about:
    "Requests per second of saves (`PUT /sessions/{id}/answers`, one answer changed, on docs/api.md's " +
    'one-form "Customer care" session) ÷ those of `GET /health` (checks cached: next to no ' +
    `work), in runs side by side: autocannon (${connections} connections) against the functions served ` +
    "over HTTP in one process with in-memory stores and real token checks. Each connection saves " +
    "its own session with the ETag of its previous response, so `saveStatus412` counts " +
    "conflicts that should not happen.",
  async measure({ quick }) {
    const app = await createTestApp();
    const { id: formId } = await createForm(app);
    const sessions: Saved[] = [];
    for (let i = 0; i < connections; i++) {
      const s = await createSession(app, {}, formId);
      sessions.push({ id: s.sessionId, etag: s.etag, saves: 0 });
    }
    const { url, close } = await listenFunctions(registeredFunctions());
    let status412 = 0;
    const token = await app.token(alice);
    const clients = saveClients(sessions, formId, token, (status) => {
      if (status === 412) status412++;
    });
    const health = (amount: number) => rate({ url: `${url}/api/health` }, amount);
    const save = (amount: number) => rate({ url, setupClient: clients }, amount);
    try {
      // Warm-up runs, which also size each run to about `seconds`.
      const seconds = quick ? 1.5 : 3;
      const healthAmount = Math.round((await health(connections * 200)) * seconds);
      const saveAmount = Math.round((await save(connections * 50)) * seconds);
      const runs = { ratio: [] as number[], save: [] as number[], health: [] as number[] };
      for (let i = 0; i < (quick ? 5 : 9); i++) {
        // Alternating order, so a machine speeding up or slowing down favours neither side.
        const healthFirst = i % 2 === 0 ? await health(healthAmount) : 0;
        const saves = await save(saveAmount);
        const healths = healthFirst || (await health(healthAmount));
        runs.ratio.push(saves / healths);
        runs.save.push(saves);
        runs.health.push(healths);
      }
      return {
        saveVsHealthThroughput: summarize(runs.ratio),
        saveRequestsPerSecond: summarize(runs.save),
        healthRequestsPerSecond: summarize(runs.health),
        saveStatus412: status412,
      };
    } finally {
      close();
    }
  },
};
