// How SAS tokens are signed: with the account key against Azurite (which cannot issue user
// delegation keys without OAuth), with a cached user delegation key in Azure (shared keys are
// disabled there).
import {
  BlobSASPermissions,
  SASProtocol,
  generateBlobSASQueryParameters,
  type BlobServiceClient,
  type StorageSharedKeyCredential,
  type UserDelegationKey,
} from "@azure/storage-blob";
import type { Clock } from "../../ports.js";

/** What one SAS grants: these permissions on exactly one blob, for the given window. */
export interface BlobSasRequest {
  containerName: string;
  blobName: string;
  /**
   * Read for playback and downloads; create alone for one media upload. Create permits a Put
   * Blob only where no blob exists yet (Put Blob over an existing blob, and Put Block / Put
   * Block List, need write), so an upload link can never replace a recording.
   */
  permissions: "r" | "c";
  startsOn: Date;
  expiresOn: Date;
  /** Served as the download's Content-Disposition (rscd). */
  contentDisposition?: string;
  /** Served as the download's Content-Type (rsct). */
  contentType?: string;
}

export interface SasSigner {
  /** The SAS query string (without "?") for `request`. */
  sign(request: BlobSasRequest): Promise<string>;
}

function signatureValues(request: BlobSasRequest, protocol: SASProtocol) {
  return {
    containerName: request.containerName,
    blobName: request.blobName,
    permissions: BlobSASPermissions.parse(request.permissions),
    startsOn: request.startsOn,
    expiresOn: request.expiresOn,
    protocol,
    ...(request.contentDisposition !== undefined && {
      contentDisposition: request.contentDisposition,
    }),
    ...(request.contentType !== undefined && { contentType: request.contentType }),
  };
}

/**
 * Service SAS signed with the account key: local Azurite only. HTTP stays allowed because
 * Azurite serves plain HTTP on loopback.
 */
export function createSharedKeySasSigner(credential: StorageSharedKeyCredential): SasSigner {
  return {
    sign: (request) =>
      Promise.resolve(
        generateBlobSASQueryParameters(
          signatureValues(request, SASProtocol.HttpsAndHttp),
          credential,
        ).toString(),
      ),
  };
}

/** Asks the service for a user delegation key valid over [startsOn, expiresOn]. */
export type DelegationKeySource = (startsOn: Date, expiresOn: Date) => Promise<UserDelegationKey>;

/** Fetches user delegation keys with the service client's own (managed identity) credential. */
export function delegationKeysFrom(service: BlobServiceClient): DelegationKeySource {
  return async (startsOn, expiresOn) => {
    const response = await service.getUserDelegationKey(startsOn, expiresOn);
    // Keep only the key's fields, not the HTTP response riding on the same object.
    const key: UserDelegationKey = {
      signedObjectId: response.signedObjectId,
      signedTenantId: response.signedTenantId,
      signedStartsOn: response.signedStartsOn,
      signedExpiresOn: response.signedExpiresOn,
      signedService: response.signedService,
      signedVersion: response.signedVersion,
      value: response.value,
    };
    if (response.signedDelegatedUserTenantId !== undefined)
      key.signedDelegatedUserTenantId = response.signedDelegatedUserTenantId;
    return key;
  };
}

export interface UserDelegationSasSignerOptions {
  /** The storage account name (part of the signed canonical resource). */
  accountName: string;
  keys: DelegationKeySource;
  clock: Clock;
  /** How long a fetched key is valid; one fetch serves every SAS in that window. */
  keyLifetimeMinutes?: number;
  /** How far back a key's validity starts, so a SAS starting in the past is still covered. */
  keyBackdateMinutes?: number;
}

const minute = 60_000;

/**
 * User delegation SAS (Azure). Fetching a key is a round trip and an RBAC check, so one key is
 * cached per process and replaced only once it no longer covers a requested SAS window.
 * Concurrent callers share one fetch; a failed fetch is not cached.
 */
export function createUserDelegationSasSigner(options: UserDelegationSasSignerOptions): SasSigner {
  const lifetime = (options.keyLifetimeMinutes ?? 120) * minute;
  const backdate = (options.keyBackdateMinutes ?? 15) * minute;
  let cached: UserDelegationKey | undefined;
  let pending: Promise<UserDelegationKey> | undefined;

  const covers = (key: UserDelegationKey, request: BlobSasRequest) =>
    key.signedStartsOn.getTime() <= request.startsOn.getTime() &&
    key.signedExpiresOn.getTime() >= request.expiresOn.getTime();

  const keyFor = async (request: BlobSasRequest): Promise<UserDelegationKey> => {
    if (cached && covers(cached, request)) return cached;
    if (!pending) {
      const now = options.clock.now().getTime();
      const startsOn = new Date(Math.min(now - backdate, request.startsOn.getTime()));
      const expiresOn = new Date(Math.max(now + lifetime, request.expiresOn.getTime()));
      pending = options.keys(startsOn, expiresOn).then(
        (key) => {
          cached = key;
          pending = undefined;
          return key;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
    }
    const key = await pending;
    if (!covers(key, request)) {
      throw new Error("The user delegation key returned does not cover the requested SAS window.");
    }
    return key;
  };

  return {
    sign: async (request) =>
      generateBlobSASQueryParameters(
        signatureValues(request, SASProtocol.Https),
        await keyFor(request),
        options.accountName,
      ).toString(),
  };
}
