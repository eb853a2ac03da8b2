// Composition root for Azure and the local host: builds the Cosmos, Blob, Service Bus and
// token-verifier clients once per process from the settings, and the adapters over them.
import { ConfigError, getConfig, type Config } from "./config.js";
import { blobContainers, createBlobServiceClient } from "./adapters/blob/client.js";
import { createBlobStoreFromConfig } from "./adapters/blob/blob-store.js";
import { createCosmosClient, database } from "./adapters/cosmos/client.js";
import { createCosmosStores } from "./adapters/cosmos/index.js";
import { createServiceBusClient } from "./adapters/service-bus/client.js";
import { createServiceBusPublisher } from "./adapters/service-bus/publisher.js";
import { startAzureMonitor } from "./adapters/telemetry.js";
import { createTokenVerifier, remoteKeys } from "./http/auth.js";
import { systemClock, type Background, type EventPublisher } from "./ports.js";
import { getServices, setServicesFactory, type Services } from "./services.js";
import { activeTraceparent, setTracingSetup } from "./tracing.js";

/**
 * Work after the response: started at once and not awaited by the invocation, which answers
 * meanwhile (each task logs its own failures; the outbox sweep redoes what is lost).
 */
const detached: Background = {
  run: (task) => {
    void task();
  },
};

/** Without a Service Bus connection events stay in the outbox; the sweep sends them once one exists. */
const noTopic: EventPublisher = {
  publish: () => Promise.reject(new Error("No Service Bus connection is configured")),
};

export function createServices(config: Config): Services {
  const cosmos = createCosmosClient(config);
  const db = database(cosmos, config);
  const blobService = createBlobServiceClient(config);
  const serviceBus = createServiceBusClient(config);
  return {
    config,
    clock: systemClock,
    verifyToken: createTokenVerifier({
      issuers: config.AUTH_ISSUERS,
      audience: config.AUTH_AUDIENCE,
      allowedTenants: config.AUTH_ALLOWED_TENANTS,
      keys: remoteKeys(config.AUTH_JWKS_URI),
      retryAfterSeconds: config.DEPENDENCY_RETRY_AFTER_SECONDS,
    }),
    healthChecks: {
      cosmos: async () => {
        await db.read();
      },
      blob: async () => {
        await blobService.getContainerClient(blobContainers.exports).getProperties();
      },
    },
    ...createCosmosStores(db, {
      retryAfterSeconds: config.DEPENDENCY_RETRY_AFTER_SECONDS,
      maxRetries: config.DEPENDENCY_MAX_RETRIES,
    }),
    publisher: serviceBus
      ? createServiceBusPublisher({
          client: serviceBus,
          topicName: config.EVENTS_TOPIC,
          traceParent: activeTraceparent,
        })
      : noTopic,
    blobs: createBlobStoreFromConfig(config, blobService),
    background: detached,
  };
}

setServicesFactory(() => createServices(getConfig()));

// On the first invocation, with the settings the services were built from (the local host and
// the tests install their own); a failure is logged and the app runs untraced.
setTracingSetup(async () => {
  try {
    await startAzureMonitor(getServices().config);
  } catch (error) {
    // Bad settings are the invocation's own error to report (problem+json, the host's log).
    if (!(error instanceof ConfigError))
      console.warn(`tracing: Azure Monitor did not start: ${String(error)}`);
  }
});
