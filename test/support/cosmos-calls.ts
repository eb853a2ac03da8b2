// Cosmos calls per HTTP request, counted at the adapter: every SDK call a store makes reports
// itself through `onRequest`. functions/call-counts.test.ts asserts the counts and
// bench/cosmos-calls.ts reports them, both through this.
import type { Database } from "@azure/cosmos";
import { createCosmosStores, type CosmosRequestEvent } from "../../shared/adapters/cosmos/index.js";
import { containerNames } from "../../shared/adapters/cosmos/containers.js";
import { setServices } from "../../shared/services.js";
import { createTestApp, type CallResult, type TestApp } from "./harness.js";

export interface CountingApp {
  app: TestApp;
  /** Calls a function; returns its response and the Cosmos calls it made, in order. */
  counted: (
    ...args: Parameters<TestApp["call"]>
  ) => Promise<{ res: CallResult; calls: CosmosRequestEvent[] }>;
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
      const res = await app.call(...args);
      return { res, calls: events.slice(before) };
    },
  };
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
