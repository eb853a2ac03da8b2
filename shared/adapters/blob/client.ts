// The process's Blob service client for the data account: managed identity in Azure; the
// emulator's well-known account key only locally (Azurite).
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { Config } from "../../config.js";
import { azureCredential } from "../credential.js";

export function createBlobServiceClient(config: Config): BlobServiceClient {
  const {
    DATA_STORAGE__blobServiceUri: url,
    DATA_STORAGE_ACCOUNT_NAME: name,
    DATA_STORAGE_ACCOUNT_KEY: key,
  } = config;
  const credential = name && key ? new StorageSharedKeyCredential(name, key) : azureCredential();
  return new BlobServiceClient(url, credential, {
    retryOptions: { maxTries: config.DEPENDENCY_MAX_RETRIES + 1 },
  });
}

export const blobContainers = { media: "media", exports: "exports" } as const;
