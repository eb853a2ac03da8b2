// The SAS the adapter hands out, checked without Azure: a fixed user delegation key and a fixed
// clock, an in-memory HTTP client in place of the storage service, and each signature
// recomputed independently from the documented string-to-sign over the expected blob path.
import { createHmac } from "node:crypto";
import {
  BlobServiceClient,
  StorageSharedKeyCredential,
  type HttpHeaders,
  type HttpOperationResponse,
  type IHttpClient,
  type UserDelegationKey,
  type WebResource,
} from "@azure/storage-blob";
import type { TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import type { BlobStore, Clock } from "../../ports.js";
import { createBlobStore, createBlobStoreFromConfig } from "./blob-store.js";
import {
  createSharedKeySasSigner,
  createUserDelegationSasSigner,
  type BlobSasRequest,
  type DelegationKeySource,
} from "./sas.js";

const account = "qmdata";
const serviceUrl = `https://${account}.blob.core.windows.net`;
const now = new Date("2026-03-01T10:00:00Z");
const fixedClock: Clock = { now: () => now };
const minute = 60_000;
const keyValue = Buffer.alloc(32, 7).toString("base64");
const accountKey = Buffer.alloc(64, 3).toString("base64");

// ---------- an in-memory storage service ----------

class FakeHeaders implements HttpHeaders {
  private readonly map = new Map<string, { name: string; value: string }>();
  constructor(raw: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(raw)) this.set(name, value);
  }
  set(name: string, value: string | number): void {
    this.map.set(name.toLowerCase(), { name, value: String(value) });
  }
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase())?.value;
  }
  contains(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  remove(name: string): boolean {
    return this.map.delete(name.toLowerCase());
  }
  rawHeaders(): Record<string, string> {
    return this.toJson();
  }
  headersArray() {
    return [...this.map.values()];
  }
  headerNames(): string[] {
    return this.headersArray().map((h) => h.name);
  }
  headerValues(): string[] {
    return this.headersArray().map((h) => h.value);
  }
  clone(): HttpHeaders {
    return new FakeHeaders(this.toJson({ preserveCase: true }));
  }
  toJson(options?: { preserveCase?: boolean }): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [lower, { name, value }] of this.map) {
      out[options?.preserveCase ? name : lower] = value;
    }
    return out;
  }
}

interface FakeBlob {
  contentType: string;
  contentDisposition?: string | undefined;
}

/** Answers the few operations the adapter uses; records every request it saw. */
function fakeStorage(delegationKeyXml?: (body: string) => string) {
  const blobs = new Map<string, FakeBlob>();
  const requests: WebResource[] = [];
  const respond = (
    request: WebResource,
    status: number,
    headers: Record<string, string> = {},
    bodyAsText?: string,
  ): HttpOperationResponse => ({
    request,
    status,
    headers: new FakeHeaders({ "x-ms-version": "2026-04-06", ...headers }),
    ...(bodyAsText !== undefined && { bodyAsText }),
  });
  const client: IHttpClient = {
    sendRequest: (request) => {
      requests.push(request);
      const url = new URL(request.url);
      const path = decodeURIComponent(url.pathname);
      if (url.searchParams.get("comp") === "userdelegationkey" && delegationKeyXml) {
        const body = typeof request.body === "string" ? request.body : "";
        return Promise.resolve(
          respond(request, 200, { "content-type": "application/xml" }, delegationKeyXml(body)),
        );
      }
      const blob = blobs.get(path);
      if (request.method === "HEAD") {
        if (!blob)
          return Promise.resolve(respond(request, 404, { "x-ms-error-code": "BlobNotFound" }));
        return Promise.resolve(
          respond(request, 200, { "content-type": blob.contentType, "content-length": "10" }),
        );
      }
      if (request.method === "PUT") {
        if (blob && request.headers.get("if-none-match") === "*") {
          return Promise.resolve(respond(request, 409, { "x-ms-error-code": "BlobAlreadyExists" }));
        }
        blobs.set(path, {
          contentType: request.headers.get("x-ms-blob-content-type") ?? "application/octet-stream",
          contentDisposition: request.headers.get("x-ms-blob-content-disposition"),
        });
        return Promise.resolve(respond(request, 201, { etag: '"0x1"' }));
      }
      return Promise.resolve(respond(request, 400));
    },
  };
  return { blobs, requests, client };
}

const tokenCredential: TokenCredential = {
  getToken: () =>
    Promise.resolve({ token: "fake-token", expiresOnTimestamp: Date.now() + 3600_000 }),
};

// ---------- independent signature checks ----------

function hmac(base64Key: string, stringToSign: string): string {
  return createHmac("sha256", Buffer.from(base64Key, "base64"))
    .update(stringToSign, "utf8")
    .digest("base64");
}

function param(url: URL, name: string): string {
  return url.searchParams.get(name) ?? "";
}

/** User delegation SAS string-to-sign, version 2026-04-06 (the SDK's default). */
function userDelegationStringToSign(url: URL, canonical: string): string {
  const p = (n: string) => param(url, n);
  return [
    p("sp"), p("st"), p("se"), canonical,
    p("skoid"), p("sktid"), p("skt"), p("ske"), p("sks"), p("skv"),
    p("saoid"), "", p("scid"), p("skdutid"), p("sduoid"),
    p("sip"), p("spr"), p("sv"), p("sr"), "", p("ses"), "", "",
    p("rscc"), p("rscd"), p("rsce"), p("rscl"), p("rsct"),
  ].join("\n"); // prettier-ignore
}

/** Service SAS string-to-sign, versions 2020-12-06 and later. */
function serviceStringToSign(url: URL, canonical: string): string {
  const p = (n: string) => param(url, n);
  return [
    p("sp"), p("st"), p("se"), canonical, p("si"), p("sip"), p("spr"), p("sv"), p("sr"), "",
    p("ses"), p("rscc"), p("rscd"), p("rsce"), p("rscl"), p("rsct"),
  ].join("\n"); // prettier-ignore
}

function fixedKey(startsOn: Date, expiresOn: Date): UserDelegationKey {
  return {
    signedObjectId: "11111111-2222-3333-4444-555555555555",
    signedTenantId: "66666666-7777-8888-9999-000000000000",
    signedStartsOn: startsOn,
    signedExpiresOn: expiresOn,
    signedService: "b",
    signedVersion: "2026-04-06",
    value: keyValue,
  };
}

/** A key source that answers like Azure (the key covers what was asked) and counts calls. */
function countingKeys(): DelegationKeySource & { calls: Array<[Date, Date]> } {
  const calls: Array<[Date, Date]> = [];
  const source = (startsOn: Date, expiresOn: Date) => {
    calls.push([startsOn, expiresOn]);
    return Promise.resolve(fixedKey(startsOn, expiresOn));
  };
  return Object.assign(source, { calls });
}

function expectShortWindow(url: URL) {
  const st = Date.parse(param(url, "st"));
  const se = Date.parse(param(url, "se"));
  expect(st).toBeLessThanOrEqual(now.getTime());
  expect(se).toBeGreaterThan(now.getTime());
  expect(se - now.getTime()).toBeLessThanOrEqual(15 * minute);
  expect(se - st).toBeLessThanOrEqual(15 * minute + 5 * minute);
}

function userDelegationStore(keys = countingKeys()) {
  const storage = fakeStorage();
  const service = new BlobServiceClient(serviceUrl, tokenCredential, {
    httpClient: storage.client,
    retryOptions: { maxTries: 1 },
  });
  const sas = createUserDelegationSasSigner({ accountName: account, keys, clock: fixedClock });
  return { store: createBlobStore({ service, sas, clock: fixedClock }), storage, keys };
}

describe("user delegation SAS (Azure)", () => {
  it("F4: grants create only (no overwrite, no read), HTTPS only, on the one media blob, for at most 15 minutes", async () => {
    const { store } = userDelegationStore();
    const link = await store.mediaUploadUrl("tenant-a", "call_42", "audio/wav");
    const url = new URL(link.url);

    expect(url.origin + url.pathname).toBe(`${serviceUrl}/media/tenant-a/call_42`);
    expect(param(url, "sp")).toBe("c");
    expect(param(url, "spr")).toBe("https");
    expect(param(url, "sr")).toBe("b");
    expect(param(url, "st")).toBe("2026-03-01T09:55:00Z");
    expect(link.expiresAt).toBe(new Date(Date.parse(param(url, "se"))).toISOString());
    expectShortWindow(url);
    for (const name of ["skoid", "sktid", "skt", "ske", "sks", "skv", "sv", "sig"]) {
      expect(param(url, name), name).not.toBe("");
    }
    expect(param(url, "skoid")).toBe("11111111-2222-3333-4444-555555555555");
    expect(param(url, "sktid")).toBe("66666666-7777-8888-9999-000000000000");
    expect(url.searchParams.has("rscd")).toBe(false);
    expect(param(url, "sv")).toBe("2026-04-06");
    expect(param(url, "sig")).toBe(
      hmac(keyValue, userDelegationStringToSign(url, `/blob/${account}/media/tenant-a/call_42`)),
    );
    // The signature binds the path: the same parameters do not sign another tenant's blob.
    expect(param(url, "sig")).not.toBe(
      hmac(keyValue, userDelegationStringToSign(url, `/blob/${account}/media/tenant-b/call_42`)),
    );
  });

  it("F4: grants read only for playback, serving the declared type, not the stored one", async () => {
    const { store, storage } = userDelegationStore();
    storage.blobs.set("/media/tenant-a/call_42", { contentType: "text/html" });
    const link = await store.mediaReadUrl("tenant-a", "call_42", "audio/mpeg");
    expect(link?.contentType).toBe("audio/mpeg");
    const url = new URL(link!.url);
    expect(param(url, "rsct")).toBe("audio/mpeg");
    expect(param(url, "sp")).toBe("r");
    expect(param(url, "spr")).toBe("https");
    expect(param(url, "sr")).toBe("b");
    expectShortWindow(url);
    expect(param(url, "sig")).toBe(
      hmac(keyValue, userDelegationStringToSign(url, `/blob/${account}/media/tenant-a/call_42`)),
    );
  });

  it("answers undefined when the media blob does not exist, without signing anything", async () => {
    const { store, keys } = userDelegationStore();
    expect(await store.mediaReadUrl("tenant-a", "nothing-here", "audio/wav")).toBeUndefined();
    expect(keys.calls).toHaveLength(0);
  });

  it("signs export downloads read-only as an attachment with the file name and content type", async () => {
    const { store, storage } = userDelegationStore();
    const fileName = "Week_48_s1.xlsx";
    const type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    const link = await store.putExport("tenant-a", "s1", fileName, new Uint8Array(1234), type);
    const url = new URL(link.url);
    const segments = url.pathname.split("/");

    expect(link.sizeBytes).toBe(1234);
    expect(segments.slice(1, 4)).toEqual(["exports", "tenant-a", "s1"]);
    expect(segments[4]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(segments[5]).toBe(fileName);
    expect(segments).toHaveLength(6);
    expect(param(url, "sp")).toBe("r");
    expect(param(url, "spr")).toBe("https");
    expect(param(url, "rscd")).toBe(
      `attachment; filename="${fileName}"; filename*=UTF-8''${fileName}`,
    );
    expect(param(url, "rsct")).toBe(type);
    expectShortWindow(url);
    const canonical = `/blob/${account}${decodeURIComponent(url.pathname)}`;
    expect(param(url, "sig")).toBe(hmac(keyValue, userDelegationStringToSign(url, canonical)));

    // The stored blob carries the same headers, so a direct download also saves as a file.
    const stored = storage.blobs.get(decodeURIComponent(url.pathname));
    expect(stored).toEqual({ contentType: type, contentDisposition: param(url, "rscd") });
  });

  it("writes every export to a fresh folder, never over an earlier one", async () => {
    const { store } = userDelegationStore();
    const a = await store.putExport("t", "s", "x_s.csv", new Uint8Array(1), "text/csv");
    const b = await store.putExport("t", "s", "x_s.csv", new Uint8Array(1), "text/csv");
    expect(new URL(a.url).pathname).not.toBe(new URL(b.url).pathname);
  });

  it("fetches one delegation key for many links and shares it between concurrent callers", async () => {
    const { store, keys } = userDelegationStore();
    await Promise.all([
      store.mediaUploadUrl("t", "i1", "audio/wav"),
      store.mediaUploadUrl("t", "i2", "audio/wav"),
      store.mediaUploadUrl("t", "i3", "video/mp4"),
    ]);
    await store.mediaUploadUrl("t", "i4", "audio/wav");
    expect(keys.calls).toHaveLength(1);
    const [startsOn, expiresOn] = keys.calls[0]!;
    expect(startsOn.getTime()).toBeLessThanOrEqual(now.getTime() - 5 * minute);
    expect(expiresOn.getTime()).toBeGreaterThanOrEqual(now.getTime() + 15 * minute);
    // Azure accepts a key lifetime of at most 7 days.
    expect(expiresOn.getTime() - startsOn.getTime()).toBeLessThan(7 * 24 * 60 * minute);
  });

  it("replaces the key before it stops covering a link's lifetime", async () => {
    const keys = countingKeys();
    let current = now;
    const clock: Clock = { now: () => current };
    const signer = createUserDelegationSasSigner({ accountName: account, keys, clock });
    const request = (at: Date): BlobSasRequest => ({
      containerName: "media",
      blobName: "t/i",
      permissions: "r",
      startsOn: new Date(at.getTime() - 5 * minute),
      expiresOn: new Date(at.getTime() + 15 * minute),
    });
    await signer.sign(request(current));
    const firstExpiry = keys.calls[0]![1];

    current = new Date(firstExpiry.getTime() - 20 * minute);
    await signer.sign(request(current));
    expect(keys.calls).toHaveLength(1);

    current = new Date(firstExpiry.getTime() - 10 * minute);
    const sas = new URLSearchParams(await signer.sign(request(current)));
    expect(keys.calls).toHaveLength(2);
    expect(Date.parse(sas.get("ske")!)).toBeGreaterThanOrEqual(Date.parse(sas.get("se")!));
  });

  it("does not cache a failed key fetch", async () => {
    let calls = 0;
    const signer = createUserDelegationSasSigner({
      accountName: account,
      clock: fixedClock,
      keys: (startsOn, expiresOn) => {
        calls += 1;
        return calls === 1
          ? Promise.reject(new Error("throttled"))
          : Promise.resolve(fixedKey(startsOn, expiresOn));
      },
    });
    const request: BlobSasRequest = {
      containerName: "media",
      blobName: "t/i",
      permissions: "r",
      startsOn: new Date(now.getTime() - 5 * minute),
      expiresOn: new Date(now.getTime() + 10 * minute),
    };
    await expect(signer.sign(request)).rejects.toThrow("throttled");
    expect(new URLSearchParams(await signer.sign(request)).get("sp")).toBe("r");
    expect(calls).toBe(2);
  });
});

describe("service SAS (local emulator)", () => {
  it("signs with the account key, allows HTTP, and binds the blob path", async () => {
    const service = new BlobServiceClient(
      serviceUrl,
      new StorageSharedKeyCredential(account, accountKey),
      { httpClient: fakeStorage().client },
    );
    const store = createBlobStore({
      service,
      sas: createSharedKeySasSigner(new StorageSharedKeyCredential(account, accountKey)),
      clock: fixedClock,
    });
    const url = new URL((await store.mediaUploadUrl("tenant-a", "call_42", "audio/wav")).url);
    expect(param(url, "sp")).toBe("c");
    expect(param(url, "spr")).toBe("https,http");
    expect(param(url, "sr")).toBe("b");
    expect(url.searchParams.has("skoid")).toBe(false);
    expectShortWindow(url);
    expect(param(url, "sig")).toBe(
      hmac(accountKey, serviceStringToSign(url, `/blob/${account}/media/tenant-a/call_42`)),
    );
  });
});

describe("choosing the signer from settings", () => {
  it("uses the account key when the settings carry one (local)", async () => {
    const config = {
      DATA_STORAGE_ACCOUNT_NAME: account,
      DATA_STORAGE_ACCOUNT_KEY: accountKey,
    };
    const service = new BlobServiceClient(
      serviceUrl,
      new StorageSharedKeyCredential(account, accountKey),
      {
        httpClient: fakeStorage().client,
      },
    );
    const store = createBlobStoreFromConfig(config, service, fixedClock);
    const url = new URL((await store.mediaUploadUrl("t", "i", "audio/wav")).url);
    expect(param(url, "spr")).toBe("https,http");
    expect(param(url, "sig")).toBe(
      hmac(accountKey, serviceStringToSign(url, `/blob/${account}/media/t/i`)),
    );
  });

  it("otherwise fetches a user delegation key with the service's identity (Azure)", async () => {
    const requestedWindows: string[] = [];
    const storage = fakeStorage((body) => {
      requestedWindows.push(body);
      return `<?xml version="1.0" encoding="utf-8"?><UserDelegationKey><SignedOid>oid-1</SignedOid><SignedTid>tid-1</SignedTid><SignedStart>2026-03-01T09:45:00Z</SignedStart><SignedExpiry>2026-03-01T12:00:00Z</SignedExpiry><SignedService>b</SignedService><SignedVersion>2026-04-06</SignedVersion><Value>${keyValue}</Value></UserDelegationKey>`;
    });
    const service = new BlobServiceClient(serviceUrl, tokenCredential, {
      httpClient: storage.client,
      retryOptions: { maxTries: 1 },
    });
    const store = createBlobStoreFromConfig({}, service, fixedClock);
    const url = new URL((await store.mediaUploadUrl("t", "i", "audio/wav")).url);

    expect(requestedWindows).toHaveLength(1);
    expect(storage.requests[0]!.headers.get("authorization")).toBe("Bearer fake-token");
    expect(param(url, "spr")).toBe("https");
    expect(param(url, "skoid")).toBe("oid-1");
    expect(param(url, "sktid")).toBe("tid-1");
    expect(param(url, "skt")).toBe("2026-03-01T09:45:00Z");
    expect(param(url, "ske")).toBe("2026-03-01T12:00:00Z");
    expect(param(url, "sig")).toBe(
      hmac(keyValue, userDelegationStringToSign(url, `/blob/${account}/media/t/i`)),
    );
  });
});

describe("refusals", () => {
  it("refuses a SAS lifetime above 15 minutes", () => {
    const { storage } = userDelegationStore();
    const service = new BlobServiceClient(serviceUrl, tokenCredential, {
      httpClient: storage.client,
    });
    const sas = createSharedKeySasSigner(new StorageSharedKeyCredential(account, accountKey));
    expect(() => createBlobStore({ service, sas, clock: fixedClock, ttlMinutes: 16 })).toThrow(
      RangeError,
    );
    expect(() => createBlobStore({ service, sas, clock: fixedClock, ttlMinutes: 0 })).toThrow(
      RangeError,
    );
  });

  const one = () => new Uint8Array(1);
  it.each<[string, (store: BlobStore) => Promise<unknown>]>([
    ["tenantId", (store) => store.mediaUploadUrl("../x", "i", "audio/wav")],
    ["interactionId", (store) => store.mediaReadUrl("t", "a/b", "audio/wav")],
    ["contentType", (store) => store.mediaReadUrl("t", "i", "audio/wav\r\nx: y")],
    ["sessionId", (store) => store.putExport("t", "s?x", "a.csv", one(), "text/csv")],
    ["fileName", (store) => store.putExport("t", "s", "a/../b.csv", one(), "text/csv")],
    ["fileName", (store) => store.putExport("t", "s", "...", one(), "text/csv")],
    ["fileName", (store) => store.putExport("t", "s", "a%2Fb.csv", one(), "text/csv")],
    ["contentType", (store) => store.putExport("t", "s", "a.csv", one(), "text/csv\r\nx: y")],
    ["contentType", (store) => store.mediaUploadUrl("t", "i", "not a type")],
  ])("refuses a bad %s before any request or signature", async (path, call) => {
    const { store, storage, keys } = userDelegationStore();
    await expect(call(store)).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      errors: [{ path }],
    });
    expect(storage.requests).toHaveLength(0);
    expect(keys.calls).toHaveLength(0);
  });
});
