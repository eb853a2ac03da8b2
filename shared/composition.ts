// Composition root for Azure and the local host: builds the Cosmos, Blob and token-verifier
// clients once per process from the settings.
import { getConfig, type Config } from "./config.js";
import { createBlobServiceClient, blobContainers } from "./adapters/blob/client.js";
import { createCosmosClient, database } from "./adapters/cosmos/client.js";
import { createTokenVerifier, remoteKeys } from "./http/auth.js";
import { systemClock } from "./ports.js";
import { setServicesFactory, type Services } from "./services.js";

export function createServices(config: Config): Services {
  const cosmos = createCosmosClient(config);
  const blobs = createBlobServiceClient(config);
  return {
    config,
    clock: systemClock,
    verifyToken: createTokenVerifier({
      issuers: config.AUTH_ISSUERS,
      audience: config.AUTH_AUDIENCE,
      allowedTenants: config.AUTH_ALLOWED_TENANTS,
      keys: remoteKeys(config.AUTH_JWKS_URI),
    }),
    healthChecks: {
      cosmos: async () => {
        await database(cosmos, config).read();
      },
      blob: async () => {
        await blobs.getContainerClient(blobContainers.exports).getProperties();
      },
    },
  };
}

setServicesFactory(() => createServices(getConfig()));
