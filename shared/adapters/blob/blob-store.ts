// The BlobStore port over Azure Blob Storage: media at media/<tenantId>/<interactionId>, exports
// at exports/<tenantId>/<sessionId>/<uuid>/<fileName>, reached only through one-blob SAS URLs.
import { randomUUID } from "node:crypto";
import { StorageSharedKeyCredential, type BlobServiceClient } from "@azure/storage-blob";
import type { Config } from "../../config.js";
import { AppError } from "../../domain/errors.js";
import { isValidId } from "../../domain/ids.js";
import { systemClock, type BlobStore, type Clock } from "../../ports.js";
import { blobContainers } from "./client.js";
import {
  createSharedKeySasSigner,
  createUserDelegationSasSigner,
  delegationKeysFrom,
  type BlobSasRequest,
  type SasSigner,
} from "./sas.js";

/** The contract caps every SAS at 15 minutes. */
export const maxSasTtlMinutes = 15;
/** A SAS starts this far in the past so a client whose clock runs behind can use it at once. */
export const sasClockSkewMinutes = 5;

export interface BlobStoreOptions {
  service: BlobServiceClient;
  sas: SasSigner;
  /** Validity of each SAS URL in minutes: more than 0, at most 15 (default 10). */
  ttlMinutes?: number;
  clock: Clock;
}

const minute = 60_000;
/** What the exporter produces after sanitising; anything else is refused, never escaped. */
const fileNamePattern = /^[A-Za-z0-9._-]{1,255}$/;
/** type/subtype with RFC 6838 characters and optional parameters; no CR/LF can get through. */
const contentTypePattern =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\r\n\\]*"|[A-Za-z0-9!#$&^_.+-]+))*$/;

function refuse(path: string, message: string): AppError {
  return new AppError("VALIDATION_FAILED", `The ${path} is not valid.`, [{ path, message }]);
}

/** Blob names are built from these only after this check: no "/", "..", "%" or "?" ever gets in. */
function assertId(path: string, value: string): void {
  if (!isValidId(value)) throw refuse(path, "must match ^[A-Za-z0-9_-]{1,64}$");
}

function assertFileName(value: string): void {
  // A name made only of dots would be resolved as a path segment ("." or "..") by URL parsing.
  if (!fileNamePattern.test(value) || /^\.+$/.test(value)) {
    throw refuse("fileName", "must match ^[A-Za-z0-9._-]{1,255}$ and not be only dots");
  }
}

function assertContentType(value: string): void {
  if (value.length > 255 || !contentTypePattern.test(value))
    throw refuse("contentType", "must be a MIME type");
}

/** RFC 6266 attachment with both forms, so every browser saves it under the intended name. */
export function attachmentDisposition(fileName: string): string {
  const encoded = encodeURIComponent(fileName).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fileName}"; filename*=UTF-8''${encoded}`;
}

function hasStatus(error: unknown, status: number): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "statusCode" in error &&
    error.statusCode === status
  );
}

export function createBlobStore(options: BlobStoreOptions): BlobStore {
  const ttl = options.ttlMinutes ?? 10;
  if (!Number.isFinite(ttl) || ttl <= 0 || ttl > maxSasTtlMinutes) {
    throw new RangeError(`ttlMinutes must be in (0, ${maxSasTtlMinutes}]; got ${ttl}.`);
  }
  const mediaContainer = options.service.getContainerClient(blobContainers.media);
  const exportContainer = options.service.getContainerClient(blobContainers.exports);

  const link = async (
    url: string,
    request: Omit<BlobSasRequest, "startsOn" | "expiresOn">,
  ): Promise<{ url: string; expiresAt: string }> => {
    const now = options.clock.now().getTime();
    const expiresOn = new Date(now + ttl * minute);
    const sas = await options.sas.sign({
      ...request,
      startsOn: new Date(now - sasClockSkewMinutes * minute),
      expiresOn,
    });
    return { url: `${url}?${sas}`, expiresAt: expiresOn.toISOString() };
  };

  return {
    async mediaUploadUrl(tenantId, interactionId, contentType) {
      assertId("tenantId", tenantId);
      assertId("interactionId", interactionId);
      // The SAS cannot pin the uploaded type (the uploader's PUT sets it; the read link pins
      // it instead); refusing a malformed one here keeps a bad declaration out of the URL.
      assertContentType(contentType);
      const blobName = `${tenantId}/${interactionId}`;
      return link(mediaContainer.getBlobClient(blobName).url, {
        containerName: blobContainers.media,
        blobName,
        permissions: "c",
      });
    },

    async mediaReadUrl(tenantId, interactionId, contentType) {
      assertId("tenantId", tenantId);
      assertId("interactionId", interactionId);
      assertContentType(contentType);
      const blobName = `${tenantId}/${interactionId}`;
      const blob = mediaContainer.getBlobClient(blobName);
      try {
        await blob.getProperties();
      } catch (error) {
        if (hasStatus(error, 404)) return undefined;
        throw error;
      }
      // The uploader chose the blob's stored Content-Type (text/html would do); the signed
      // override makes Blob Storage serve the declared type instead.
      const read = await link(blob.url, {
        containerName: blobContainers.media,
        blobName,
        permissions: "r",
        contentType,
      });
      return { ...read, contentType };
    },

    async putExport(tenantId, sessionId, fileName, bytes, contentType) {
      assertId("tenantId", tenantId);
      assertId("sessionId", sessionId);
      assertFileName(fileName);
      assertContentType(contentType);
      const blobName = `${tenantId}/${sessionId}/${randomUUID()}/${fileName}`;
      const blob = exportContainer.getBlockBlobClient(blobName);
      const contentDisposition = attachmentDisposition(fileName);
      await blob.uploadData(bytes, {
        blobHTTPHeaders: {
          blobContentType: contentType,
          blobContentDisposition: contentDisposition,
        },
        // The folder is fresh; the condition makes "never overwrite" a property of the write.
        conditions: { ifNoneMatch: "*" },
      });
      const read = await link(blob.url, {
        containerName: blobContainers.exports,
        blobName,
        permissions: "r",
        contentDisposition,
        contentType,
      });
      return { ...read, sizeBytes: bytes.byteLength };
    },
  };
}

/**
 * The composition root's choice of signer: the emulator's account key when the settings carry
 * one (local), else user delegation keys fetched with the service client's managed identity.
 */
export function createBlobStoreFromConfig(
  config: Pick<Config, "DATA_STORAGE_ACCOUNT_NAME" | "DATA_STORAGE_ACCOUNT_KEY">,
  service: BlobServiceClient,
  clock: Clock = systemClock,
): BlobStore {
  const { DATA_STORAGE_ACCOUNT_NAME: name, DATA_STORAGE_ACCOUNT_KEY: key } = config;
  const sas =
    name && key
      ? createSharedKeySasSigner(new StorageSharedKeyCredential(name, key))
      : createUserDelegationSasSigner({
          accountName: service.accountName,
          keys: delegationKeysFrom(service),
          clock,
        });
  return createBlobStore({ service, sas, clock });
}
