// Starts cosmosdb-server in-process on a loopback port and creates a fresh database with the
// service's container definitions, for tests that hold the Cosmos stores to their contract.
import { Agent } from "node:https";
import type { AddressInfo } from "node:net";
import { CosmosClient, type Database } from "@azure/cosmos";
import { createHttpsServer } from "@vercel/cosmosdb-server";
import { containerDefinitions } from "../../shared/adapters/cosmos/containers.js";
import { freshId } from "./fixtures.js";

export interface CosmosTestDatabase {
  database: Database;
  /** HTTP requests the stand-in received (the SDK adds query-plan look-ups to queries). */
  httpRequests: () => number;
  close: () => Promise<void>;
}

export async function startCosmosTestDatabase(): Promise<CosmosTestDatabase> {
  const server = createHttpsServer();
  let requests = 0;
  server.on("request", () => {
    requests += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const client = new CosmosClient({
    endpoint: `https://127.0.0.1:${port}`,
    key: "local-stand-in-key",
    agent: new Agent({ rejectUnauthorized: false }),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { database } = await client.databases.create({ id: freshId("db") });
  for (const definition of Object.values(containerDefinitions)) {
    await database.containers.create(definition);
  }
  return {
    database,
    httpRequests: () => requests,
    close: async () => {
      client.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
