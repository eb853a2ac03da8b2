// The blob adapter against a real Azurite over HTTP: the SAS URLs it hands out grant exactly
// what they should (one blob, one kind of access, for a limited time) and nothing more.
import { randomUUID } from "node:crypto";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBlobStore } from "../shared/adapters/blob/blob-store.js";
import { blobContainers } from "../shared/adapters/blob/client.js";
import { createSharedKeySasSigner } from "../shared/adapters/blob/sas.js";
import { systemClock, type BlobStore, type Clock } from "../shared/ports.js";
import { startAzuriteBlob, type AzuriteBlob } from "./support/azurite.js";

let azurite: AzuriteBlob;
let service: BlobServiceClient;
let credential: StorageSharedKeyCredential;

function storeWith(clock: Clock): BlobStore {
  return createBlobStore({ service, sas: createSharedKeySasSigner(credential), clock });
}

const freshId = () => `t${randomUUID().replaceAll("-", "")}`.slice(0, 40);

/** Deterministic, non-repeating audio-ish bytes so a range read can be compared exactly. */
function sampleBytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + 7) % 256);
}

async function uploadMedia(url: string, body: Uint8Array): Promise<Response> {
  return fetch(url, {
    method: "PUT",
    headers: { "x-ms-blob-type": "BlockBlob", "content-type": "audio/wav" },
    body,
  });
}

beforeAll(async () => {
  azurite = await startAzuriteBlob();
  credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  service = new BlobServiceClient(azurite.blobServiceUri, credential);
  await service.getContainerClient(blobContainers.media).createIfNotExists();
  await service.getContainerClient(blobContainers.exports).createIfNotExists();
});

afterAll(async () => {
  await azurite?.stop();
});

describe("media", () => {
  it("uploads with the upload SAS and plays back a byte range with the read SAS", async () => {
    const store = storeWith(systemClock);
    const tenantId = freshId();
    const interactionId = freshId();
    const bytes = sampleBytes(4096);

    const upload = await store.mediaUploadUrl(tenantId, interactionId, "audio/wav");
    expect(new URL(upload.url).pathname).toBe(
      `/${azurite.accountName}/media/${tenantId}/${interactionId}`,
    );
    const put = await uploadMedia(upload.url, bytes);
    expect(put.status).toBe(201);

    const read = await store.mediaReadUrl(tenantId, interactionId, "audio/wav");
    expect(read).toBeDefined();
    expect(read!.contentType).toBe("audio/wav");
    expect(Date.parse(read!.expiresAt)).toBeGreaterThan(Date.now());

    const ranged = await fetch(read!.url, { headers: { Range: "bytes=0-9" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 0-9/${bytes.length}`);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(bytes.slice(0, 10));

    const middle = await fetch(read!.url, { headers: { Range: "bytes=1000-1003" } });
    expect(middle.status).toBe(206);
    expect(new Uint8Array(await middle.arrayBuffer())).toEqual(bytes.slice(1000, 1004));
  });

  it("F4: an upload link creates the recording once and can never replace it", async () => {
    const store = storeWith(systemClock);
    const tenantId = freshId();
    const interactionId = freshId();
    const upload = await store.mediaUploadUrl(tenantId, interactionId, "audio/wav");
    expect(new URL(upload.url).searchParams.get("sp")).toBe("c");
    expect((await uploadMedia(upload.url, sampleBytes(64))).status).toBe(201);

    // Neither the same link nor a fresh one for the same blob overwrites it.
    expect((await uploadMedia(upload.url, sampleBytes(16))).status).toBe(403);
    const fresh = await store.mediaUploadUrl(tenantId, interactionId, "audio/wav");
    expect((await uploadMedia(fresh.url, sampleBytes(16))).status).toBe(403);

    const read = await store.mediaReadUrl(tenantId, interactionId, "audio/wav");
    const body = await fetch(read!.url);
    expect(new Uint8Array(await body.arrayBuffer())).toEqual(sampleBytes(64));
  });

  it("F4: the read link serves the declared type, whatever type the upload stored", async () => {
    const store = storeWith(systemClock);
    const tenantId = freshId();
    const interactionId = freshId();
    const upload = await store.mediaUploadUrl(tenantId, interactionId, "audio/wav");
    const put = await fetch(upload.url, {
      method: "PUT",
      headers: { "x-ms-blob-type": "BlockBlob", "content-type": "text/html" },
      body: "<script>alert(1)</script>",
    });
    expect(put.status).toBe(201);
    const read = await store.mediaReadUrl(tenantId, interactionId, "audio/wav");
    expect(read!.contentType).toBe("audio/wav");
    const played = await fetch(read!.url);
    expect(played.status).toBe(200);
    expect(played.headers.get("content-type")).toBe("audio/wav");
  });

  it("refuses to read with the upload SAS and to write with the read SAS", async () => {
    const store = storeWith(systemClock);
    const tenantId = freshId();
    const interactionId = freshId();
    const upload = await store.mediaUploadUrl(tenantId, interactionId, "audio/wav");
    expect((await uploadMedia(upload.url, sampleBytes(64))).status).toBe(201);

    const readWithUpload = await fetch(upload.url);
    expect(readWithUpload.status).toBe(403);

    const read = await store.mediaReadUrl(tenantId, interactionId, "audio/wav");
    const writeWithRead = await uploadMedia(read!.url, sampleBytes(16));
    expect(writeWithRead.status).toBe(403);

    // The blob is still the original upload.
    const body = await fetch(read!.url);
    expect(body.status).toBe(200);
    expect(new Uint8Array(await body.arrayBuffer())).toEqual(sampleBytes(64));
  });

  it("scopes a SAS to its one blob: it neither reads nor writes another tenant's media", async () => {
    const store = storeWith(systemClock);
    const [tenantA, tenantB, interactionId] = [freshId(), freshId(), freshId()];
    for (const tenantId of [tenantA, tenantB]) {
      const upload = await store.mediaUploadUrl(tenantId, interactionId, "audio/wav");
      expect((await uploadMedia(upload.url, sampleBytes(32))).status).toBe(201);
    }
    const readA = await store.mediaReadUrl(tenantA, interactionId, "audio/wav");
    const uploadA = await store.mediaUploadUrl(tenantA, interactionId, "audio/wav");

    const retarget = (url: string) => {
      const u = new URL(url);
      u.pathname = u.pathname.replace(`/media/${tenantA}/`, `/media/${tenantB}/`);
      return u.toString();
    };
    expect(retarget(readA!.url)).not.toBe(readA!.url);
    expect((await fetch(retarget(readA!.url))).status).toBe(403);
    expect((await uploadMedia(retarget(uploadA.url), sampleBytes(8))).status).toBe(403);
    // A container-level path is not reachable either.
    const container = new URL(readA!.url);
    container.pathname = `/${azurite.accountName}/media`;
    container.searchParams.set("restype", "container");
    container.searchParams.set("comp", "list");
    expect((await fetch(container)).status).toBe(403);
  });

  it("answers undefined for an interaction whose media was never uploaded", async () => {
    const store = storeWith(systemClock);
    const tenantId = freshId();
    const interactionId = freshId();
    // Handing out an upload URL creates nothing.
    await store.mediaUploadUrl(tenantId, interactionId, "audio/wav");
    expect(await store.mediaReadUrl(tenantId, interactionId, "audio/wav")).toBeUndefined();
  });

  it("refuses an expired SAS", async () => {
    const tenantId = freshId();
    const interactionId = freshId();
    const upload = await storeWith(systemClock).mediaUploadUrl(
      tenantId,
      interactionId,
      "audio/wav",
    );
    expect((await uploadMedia(upload.url, sampleBytes(16))).status).toBe(201);

    const anHourAgo: Clock = { now: () => new Date(Date.now() - 60 * 60_000) };
    const past = storeWith(anHourAgo);
    const staleRead = await past.mediaReadUrl(tenantId, interactionId, "audio/wav");
    expect(Date.parse(staleRead!.expiresAt)).toBeLessThan(Date.now());
    expect((await fetch(staleRead!.url)).status).toBe(403);

    const staleUpload = await past.mediaUploadUrl(tenantId, freshId(), "audio/wav");
    expect((await uploadMedia(staleUpload.url, sampleBytes(16))).status).toBe(403);
  });

  it("refuses ids that could reach outside the tenant's folder before touching storage", async () => {
    const store = storeWith(systemClock);
    await expect(store.mediaReadUrl("..", "x", "audio/wav")).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await expect(store.mediaUploadUrl("t1", "a/../../b", "audio/wav")).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
  });
});

describe("exports", () => {
  it("stores an export and downloads it as an attachment with its content type", async () => {
    const store = storeWith(systemClock);
    const tenantId = freshId();
    const sessionId = freshId();
    const fileName = `Week_48_-_Alice_${sessionId}.csv`;
    const bytes = new TextEncoder().encode("\uFEFFquestion,answer\nq1,yes\n");

    const exported = await store.putExport(tenantId, sessionId, fileName, bytes, "text/csv");
    expect(exported.sizeBytes).toBe(bytes.byteLength);
    const path = new URL(exported.url).pathname.split("/");
    expect(path.slice(2, 5)).toEqual(["exports", tenantId, sessionId]);
    expect(path[5]).toMatch(/^[0-9a-f-]{36}$/);
    expect(path[6]).toBe(fileName);

    const download = await fetch(exported.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename="${fileName}"; filename*=UTF-8''${fileName}`,
    );
    expect(download.headers.get("content-type")).toBe("text/csv");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);

    // A download URL is read-only.
    const overwrite = await fetch(exported.url, {
      method: "PUT",
      headers: { "x-ms-blob-type": "BlockBlob" },
      body: "tampered",
    });
    expect(overwrite.status).toBe(403);
  });

  it("puts a retried export in a fresh folder, so an earlier URL keeps its bytes", async () => {
    const store = storeWith(systemClock);
    const tenantId = freshId();
    const sessionId = freshId();
    const fileName = `s_${sessionId}.pdf`;
    const first = await store.putExport(
      tenantId,
      sessionId,
      fileName,
      sampleBytes(10),
      "application/pdf",
    );
    const second = await store.putExport(
      tenantId,
      sessionId,
      fileName,
      sampleBytes(20),
      "application/pdf",
    );

    expect(new URL(first.url).pathname).not.toBe(new URL(second.url).pathname);
    expect(new Uint8Array(await (await fetch(first.url)).arrayBuffer())).toEqual(sampleBytes(10));
    expect(new Uint8Array(await (await fetch(second.url)).arrayBuffer())).toEqual(sampleBytes(20));
  });

  it("refuses an expired export link", async () => {
    const past = storeWith({ now: () => new Date(Date.now() - 60 * 60_000) });
    const sessionId = freshId();
    const exported = await past.putExport(
      freshId(),
      sessionId,
      `x_${sessionId}.csv`,
      sampleBytes(5),
      "text/csv",
    );
    expect((await fetch(exported.url)).status).toBe(403);
  });

  it("refuses file names that are not a single sanitised segment", async () => {
    const store = storeWith(systemClock);
    for (const fileName of ["../x.csv", "a/b.csv", "..", "a b.csv", "x%2F.csv", ""]) {
      await expect(
        store.putExport("t1", "s1", fileName, sampleBytes(1), "text/csv"),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    }
  });
});
