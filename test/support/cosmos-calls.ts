// Cosmos calls per HTTP request, counted at the adapter: every SDK call a store makes reports
// itself through `onRequest`. functions/call-counts.test.ts asserts the counts and
// bench/cosmos-calls.ts reports them, both through this.
import type { Database } from "@azure/cosmos";
import { createCosmosStores, type CosmosRequestEvent } from "../../shared/adapters/cosmos/index.js";
import { containerNames } from "../../shared/adapters/cosmos/containers.js";
import { setServices } from "../../shared/services.js";
import { createTestApp, type CallResult, type TestApp } from "./harness.js";
import { startCosmosTestDatabase } from "./stores-cosmos.js";

export interface CountingApp {
  app: TestApp;
  /**
   * Calls a function; returns its response, the Cosmos calls it made before answering, in order,
   * and those its outbox made after the response.
   */
  counted: (...args: Parameters<TestApp["call"]>) => Promise<{
    res: CallResult;
    calls: CosmosRequestEvent[];
    after: CosmosRequestEvent[];
  }>;
}

/** A test app whose stores are the Cosmos adapters over `database`, every call counted. */
export async function countingApp(database: Database): Promise<CountingApp> {
  const app = await createTestApp();
  const events: CosmosRequestEvent[] = [];
  setServices({
    ...app.services,
    ...createCosmosStores(database, { onRequest: (event) => events.push(event) }),
  });
  return {
    app,
    counted: async (...args) => {
      const before = events.length;
      // The request's own calls; what its outbox moves after the response is not counted.
      app.background.held = true;
      const res = await app.call(...args);
      const calls = events.slice(before);
      await app.background.release();
      return { res, calls, after: events.slice(before + calls.length) };
    },
  };
}

/** `fn` with a counting app over a fresh cosmosdb-server database, closed after it. */
export async function withCountingApp<T>(
  fn: (counting: CountingApp & { database: Database }) => Promise<T>,
): Promise<T> {
  const cosmos = await startCosmosTestDatabase();
  try {
    return await fn({ ...(await countingApp(cosmos.database)), database: cosmos.database });
  } finally {
    await cosmos.close();
  }
}

/** A stored session as Cosmos returns it (system fields included). */
export async function storedSession(
  database: Database,
  tenantId: string,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const { resource } = await database
    .container(containerNames.sessions)
    .item(id, [tenantId, id])
    .read<Record<string, unknown>>();
  return resource;
}
