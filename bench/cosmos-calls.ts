// Cosmos requests per HTTP request, counted at the adapter (`onRequest`: one event per SDK call)
// while the handlers run against cosmosdb-server in this process; also whether the grid query
// was given the tenant's partition-key prefix, and the stored size of a 5 × 40 session.
// functions/call-counts.test.ts asserts the same counts.
import { createCosmosStores, type CosmosRequestEvent } from "../shared/adapters/cosmos/index.js";
import { containerNames } from "../shared/adapters/cosmos/containers.js";
import { createTestApp, type CallOptions } from "../test/support/harness.js";
import { admin, alice, createLargeForms, createSession } from "../test/support/scenario.js";
import { setServices } from "../shared/services.js";
import { startCosmosTestDatabase } from "../test/support/stores-cosmos.js";

export interface CosmosCallsResult {
  cosmosCallsPerGet: number;
  cosmosCallsPerSave: number;
  cosmosCallsPerComplete: number;
  cosmosCallsPerSaveCompleted: number;
  cosmosCallsPerGridPage: number;
  gridQueryCrossPartition: boolean;
  sessionDocBytes: number;
  /** What each request called, in order, for the report. */
  operations: Record<string, string[]>;
  /** HTTP requests the stand-in received per grid page (the SDK adds its own look-ups). */
  httpRequestsPerGridPage: number;
}

export async function measureCosmosCalls(): Promise<CosmosCallsResult> {
  const cosmos = await startCosmosTestDatabase();
  try {
    const app = await createTestApp();
    const events: CosmosRequestEvent[] = [];
    setServices({
      ...app.services,
      ...createCosmosStores(cosmos.database, { onRequest: (e) => events.push(e) }),
    });
    const operations: Record<string, string[]> = {};
    const counted = async (label: string, name: string, options: CallOptions) => {
      const before = events.length;
      const res = await app.call(name, options);
      if (res.status >= 300) throw new Error(`${label}: ${res.status} ${JSON.stringify(res.json)}`);
      const calls = events.slice(before);
      operations[label] = calls.map((c) => `${c.container}.${c.operation}`);
      return { res, calls };
    };

    const { formIds, answers } = await createLargeForms(app, 5, 40);
    const s = await createSession(app, { formIds }, formIds[0]);
    const id = { id: s.sessionId };
    await counted("get", "sessionsGet", { as: alice, params: id });
    const save = await counted("save", "sessionsAnswers", {
      as: alice,
      params: id,
      headers: { "if-match": s.etag },
      body: { answers },
    });
    const complete = await counted("complete", "sessionsComplete", {
      as: alice,
      params: id,
      headers: { "if-match": save.res.headers.etag ?? "" },
      body: {},
    });
    const firstForm = formIds[0] ?? "";
    await counted("saveCompleted", "sessionsAnswers", {
      as: alice,
      params: id,
      headers: { "if-match": complete.res.headers.etag ?? "" },
      // q1 holds "yes": changing it rescores the completed session (a `rescored` event).
      body: { answers: { [firstForm]: { q1: { answerIds: ["no"] } } } },
    });
    const httpBefore = cosmos.httpRequests();
    const grid = await counted("gridPage", "sessionsList", {
      as: admin,
      query: { limit: "50" },
    });
    const httpRequestsPerGridPage = cosmos.httpRequests() - httpBefore;

    const { resource } = await cosmos.database
      .container(containerNames.sessions)
      .item(s.sessionId, [admin.tenantId, s.sessionId])
      .read<Record<string, unknown>>();
    return {
      cosmosCallsPerGet: operations.get?.length ?? -1,
      cosmosCallsPerSave: operations.save?.length ?? -1,
      cosmosCallsPerComplete: operations.complete?.length ?? -1,
      cosmosCallsPerSaveCompleted: operations.saveCompleted?.length ?? -1,
      cosmosCallsPerGridPage: grid.calls.length,
      gridQueryCrossPartition: grid.calls.some((c) => c.crossPartition),
      sessionDocBytes: Buffer.byteLength(JSON.stringify(resource)),
      operations,
      httpRequestsPerGridPage,
    };
  } finally {
    await cosmos.close();
  }
}

if (process.argv[1] === import.meta.filename) {
  console.log(JSON.stringify(await measureCosmosCalls(), null, 1));
}
