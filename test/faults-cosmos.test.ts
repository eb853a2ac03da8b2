// The fault suite against the real stand-in: the service's own Cosmos client (retry settings
// included) talks HTTPS to cosmosdb-server through a proxy that answers 429/503 on the wire, so
// what is tested is the @azure/cosmos retry policy and the adapters' error mapping, not a fake.
// Then a smaller set of the random fault histories runs over the Cosmos stores.
import { createHttpsServer } from "@vercel/cosmosdb-server";
import type { Database } from "@azure/cosmos";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCosmosClient } from "../shared/adapters/cosmos/client.js";
import { containerDefinitions, createCosmosStores } from "../shared/adapters/cosmos/index.js";
import type { Config } from "../shared/config.js";
import {
  FaultInjector,
  failNext,
  startCosmosFaultProxy,
  type CosmosFaultProxy,
  type WireRequest,
} from "./support/faults.js";
import { testConfig } from "./support/harness.js";
import { checkHistory } from "../faults/invariants.js";
import {
  createFaultTemplate,
  forkEnv,
  historyArb,
  runHistory,
  type FaultEnv,
  type FaultTemplate,
} from "../faults/model.js";
import { FaultStats } from "../faults/stats.js";
import { freshId } from "./support/fixtures.js";

const MAX_RETRIES = 2;
const RETRY_AFTER_SECONDS = 3;
const HISTORIES = 20;

const settings = {
  COSMOS_KEY: "local-stand-in-key",
  COSMOS_ALLOW_SELF_SIGNED_CERT: "true",
  DEPENDENCY_MAX_RETRIES: String(MAX_RETRIES),
  DEPENDENCY_RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS),
};

const stats = new FaultStats("cosmosdb-server");
const injector = new FaultInjector();
let standIn: ReturnType<typeof createHttpsServer>;
let proxy: CosmosFaultProxy;
let config: Config;
let client: ReturnType<typeof createCosmosClient>;
let template: FaultTemplate;

beforeAll(async () => {
  standIn = createHttpsServer();
  await new Promise<void>((resolve, reject) => {
    standIn.once("error", reject);
    standIn.listen(0, "127.0.0.1", resolve);
  });
  const { port } = standIn.address() as AddressInfo;
  proxy = await startCosmosFaultProxy(`https://127.0.0.1:${port}/`);
  config = testConfig({ ...settings, COSMOS__accountEndpoint: proxy.endpoint });
  client = createCosmosClient(config);
  template = await createFaultTemplate(injector, {
    settings: { ...settings, COSMOS__accountEndpoint: proxy.endpoint },
  });
});

afterAll(async () => {
  stats.faults(injector);
  Object.assign(stats.wire, proxy.counts);
  console.log(stats.summary());
  client.dispose();
  await proxy.close();
  standIn.closeAllConnections();
  await new Promise<void>((resolve) => standIn.close(() => resolve()));
});

/** A fresh database with the service's containers, and a history environment over it. */
async function cosmosEnv(): Promise<{ env: FaultEnv; db: Database }> {
  proxy.decide = () => ({ kind: "pass" });
  const { database: db } = await client.databases.create({ id: freshId("faults") });
  for (const definition of Object.values(containerDefinitions)) {
    await db.containers.create(definition);
  }
  // As shared/composition.ts builds them from the settings.
  const stores = createCosmosStores(db, {
    retryAfterSeconds: config.DEPENDENCY_RETRY_AFTER_SECONDS,
    maxRetries: config.DEPENDENCY_MAX_RETRIES,
  });
  return { env: await forkEnv(template, stores), db };
}

const pointReadOfSession = (r: WireRequest) =>
  r.method === "GET" && r.path.includes("/colls/sessions/docs/");

async function readSession(env: FaultEnv) {
  return env.app.call("sessionsGet", {
    params: { id: env.sessionIds[0] ?? "" },
    headers: { authorization: `Bearer ${env.tokens.alice}` },
  });
}

describe("Cosmos 429/503 through the real client and stand-in", () => {
  it("retries throttling (429 with x-ms-retry-after-ms) up to DEPENDENCY_MAX_RETRIES and then succeeds", async () => {
    const { env, db } = await cosmosEnv();
    for (let n = 1; n <= MAX_RETRIES; n++) {
      const before = proxy.counts.throttle;
      proxy.decide = failNext(n, { kind: "throttle", retryAfterMs: 5 }, pointReadOfSession);
      const res = await readSession(env);
      expect(res.status).toBe(200);
      expect(proxy.counts.throttle - before).toBe(n);
    }
    await db.delete();
  });

  it("answers 503 DEPENDENCY_UNAVAILABLE with Retry-After when throttling outlasts the retries", async () => {
    const { env, db } = await cosmosEnv();
    const before = proxy.counts.throttle;
    proxy.decide = failNext(
      MAX_RETRIES + 1,
      { kind: "throttle", retryAfterMs: 5 },
      pointReadOfSession,
    );
    const res = await readSession(env);
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ status: 503, code: "DEPENDENCY_UNAVAILABLE" });
    expect(res.headers["retry-after"]).toBe(String(RETRY_AFTER_SECONDS));
    // The first try and MAX_RETRIES retries, then it gave up.
    expect(proxy.counts.throttle - before).toBe(MAX_RETRIES + 1);
    proxy.decide = () => ({ kind: "pass" });
    expect((await readSession(env)).status).toBe(200);
    await db.delete();
  });

  it("retries an unavailable (503) read up to DEPENDENCY_MAX_RETRIES and then succeeds", async () => {
    const { env, db } = await cosmosEnv();
    const before = proxy.counts.unavailable;
    proxy.decide = failNext(MAX_RETRIES, { kind: "unavailable" }, pointReadOfSession);
    const res = await readSession(env);
    expect(res.status).toBe(200);
    expect(proxy.counts.unavailable - before).toBe(MAX_RETRIES);
    await db.delete();
  });

  it("answers 503 DEPENDENCY_UNAVAILABLE with Retry-After when Cosmos stays unavailable", async () => {
    const { env, db } = await cosmosEnv();
    const before = proxy.counts.unavailable;
    proxy.decide = failNext(MAX_RETRIES + 1, { kind: "unavailable" }, pointReadOfSession);
    const res = await readSession(env);
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ code: "DEPENDENCY_UNAVAILABLE" });
    expect(res.headers["retry-after"]).toBe(String(RETRY_AFTER_SECONDS));
    expect(proxy.counts.unavailable - before).toBe(MAX_RETRIES + 1);
    await db.delete();
  });

  it("answers a write whose response was lost with 503, and the client's retry with 412 (the write happened once)", async () => {
    const { env, db } = await cosmosEnv();
    const save = () =>
      env.app.call("sessionsAnswers", {
        params: { id: env.sessionIds[0] ?? "" },
        headers: { authorization: `Bearer ${env.tokens.alice}`, "if-match": '"1"' },
        body: { answers: { [env.formId]: { greet: { answerIds: ["yes"] } } } },
      });
    proxy.decide = failNext(
      1,
      { kind: "lostResponse" },
      (r) => r.method === "PUT" && r.path.includes("/colls/sessions/docs/"),
    );
    const lost = await save();
    expect(lost.status).toBe(503);
    expect(lost.headers["retry-after"]).toBe(String(RETRY_AFTER_SECONDS));
    const retried = await save();
    expect(retried.status).toBe(412);
    const read = await readSession(env);
    expect(read.headers.etag).toBe('"2"');
    expect(read.json.answers[env.formId].greet).toEqual({ answerIds: ["yes"] });
    await db.delete();
  });
});

describe("fault histories over cosmosdb-server", () => {
  it(`keeps every promise across ${HISTORIES} random histories with faults in the ports and on the wire`, async () => {
    await fc.assert(
      fc.asyncProperty(historyArb(8), fc.integer({ min: 0, max: 1000 }), async (history, seed) => {
        const { env, db } = await cosmosEnv();
        // Throttling on the wire that the client's retries absorb (at most MAX_RETRIES in a row).
        let run = 0;
        let calls = seed;
        proxy.decide = () => {
          if (!env.injector.enabled) return { kind: "pass" };
          calls = (calls * 1103515245 + 12345) % 2147483648;
          if (run < MAX_RETRIES && calls % 10 === 0) {
            run++;
            // `run` bounds throttles in a row across all requests, not per request: with two
            // operations at once, one request can meet more than MAX_RETRIES of them and
            // rightly answer 503. Count every wire throttle as an injected fault, so such a 503
            // is explained.
            env.injector.injected++;
            return { kind: "throttle", retryAfterMs: 1 };
          }
          run = 0;
          return { kind: "pass" };
        };
        const record = await runHistory(env, history);
        proxy.decide = () => ({ kind: "pass" });
        stats.add(history, record, env);
        const violations = await checkHistory(env, record);
        expect(violations).toEqual([]);
        await db.delete();
      }),
      { numRuns: HISTORIES },
    );
    expect(stats.histories).toBeGreaterThanOrEqual(HISTORIES);
  }, 120_000);
});
