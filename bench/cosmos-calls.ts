// Cosmos calls per request and the stored size of a session, on cosmosdb-server in this process,
// counted as functions/call-counts.test.ts counts them (test/support/cosmos-calls.ts).
import type { CallOptions } from "../test/support/harness.js";
import { storedSession, withCountingApp } from "../test/support/cosmos-calls.js";
import { admin, alice, createLargeForms, createSession } from "../test/support/scenario.js";
import type { Measurement } from "./figures.js";

export const cosmosCalls: Measurement = {
  title: "Cosmos calls",
  about:
    "SDK calls the Cosmos adapter made per request (a query counts one per page), on a session " +
    "of 5 forms × 40 questions against cosmosdb-server; `sessionDocBytes` is that session's " +
    "stored JSON with every question answered. `functions/call-counts.test.ts` asserts the counts.",
  async measure() {
    return withCountingApp(async ({ app, counted, database }) => {
      /** The request's Cosmos calls; the ETag of its response for the next one. */
      const request = async (name: string, options: CallOptions) => {
        const { res, calls } = await counted(name, options);
        if (res.status >= 300)
          throw new Error(`${name}: ${res.status} ${JSON.stringify(res.json)}`);
        return { calls, etag: res.headers.etag ?? "" };
      };
      const { formIds, answers } = await createLargeForms(app, 5, 40);
      const s = await createSession(app, { formIds }, formIds[0]);
      const as = alice;
      const params = { id: s.sessionId };
      const get = await request("sessionsGet", { as, params });
      const save = await request("sessionsAnswers", {
        as,
        params,
        headers: { "if-match": s.etag },
        body: { answers },
      });
      const complete = await request("sessionsComplete", {
        as,
        params,
        headers: { "if-match": save.etag },
        body: {},
      });
      // q1 holds "yes": changing it rescores the completed session.
      const saveCompleted = await request("sessionsAnswers", {
        as,
        params,
        headers: { "if-match": complete.etag },
        body: { answers: { [formIds[0] ?? ""]: { q1: { answerIds: ["no"] } } } },
      });
      const grid = await request("sessionsList", { as: admin, query: { limit: "50" } });
      const stored = await storedSession(database, admin.tenantId, s.sessionId);
      return {
        cosmosCallsPerGet: get.calls.length,
        cosmosCallsPerSave: save.calls.length,
        cosmosCallsPerComplete: complete.calls.length,
        cosmosCallsPerSaveCompleted: saveCompleted.calls.length,
        cosmosCallsPerGridPage: grid.calls.length,
        gridQueryCrossPartition: grid.calls.some((c) => c.crossPartition),
        sessionDocBytes: Buffer.byteLength(JSON.stringify(stored)),
      };
    });
  },
};
