// The process's Cosmos DB client: managed identity in Azure; the emulator key only locally.
import { Agent } from "node:https";
import { CosmosClient, type Database } from "@azure/cosmos";
import type { Config } from "../../config.js";
import { azureCredential } from "../credential.js";

export function createCosmosClient(config: Config): CosmosClient {
  return new CosmosClient({
    endpoint: config.COSMOS__accountEndpoint,
    ...(config.COSMOS_KEY ? { key: config.COSMOS_KEY } : { aadCredentials: azureCredential() }),
    // Only the local stand-in (cosmosdb-server) has a self-signed certificate.
    ...(config.COSMOS_ALLOW_SELF_SIGNED_CERT
      ? { agent: new Agent({ rejectUnauthorized: false, keepAlive: true }) }
      : {}),
    connectionPolicy: {
      enableEndpointDiscovery: !config.COSMOS_ALLOW_SELF_SIGNED_CERT,
      retryOptions: {
        maxRetryAttemptCount: config.DEPENDENCY_MAX_RETRIES,
        fixedRetryIntervalInMilliseconds: 0,
        maxWaitTimeInSeconds: 30,
      },
    },
  });
}

export function database(client: CosmosClient, config: Config): Database {
  return client.database(config.COSMOS_DATABASE);
}
