// Media and exports over real HTTP against the local host and its Azurite: ingest with media,
// upload the recording with the returned SAS, play it back with a Range request, export the
// session in every format and download each file, then complete with exports.
// One random tenant per file, so other test files never see this data.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { customerCare } from "./support/domain-fixtures.js";
import type { Role } from "../shared/domain/access.js";
import { callerWith, expectProblem, tokenFor } from "./support/http.js";

const tenantId = `media-${randomUUID().slice(0, 8)}`;
const FUTURE = "2030-06-01T00:00:00.000Z";
const password = "integration-Pa55!";

const people = {
  admin: ["admin-1", ["QM.Administrator"]],
  alice: ["alice", ["QM.Evaluator"]],
  bob: ["bob", ["QM.Evaluator"]],
  ingest: ["ingest", ["QM.Integration"]],
} as const satisfies Record<string, readonly [string, readonly Role[]]>;
type Person = keyof typeof people;
const tokens = new Map<Person, string>();
const call = callerWith(tokens);

interface ExportLink {
  format: string;
  fileName: string;
  url: string;
  expiresAt: string;
  sizeBytes: number;
}

/** A recognisable recording: byte i is i mod 251, so any slice says where it came from. */
const recording = Uint8Array.from({ length: 4096 }, (_, i) => i % 251);

let formId = "";
let externalCounter = 0;

async function ingest(media?: { contentType: string }) {
  const res = await call<{
    id: string;
    hasMedia: boolean;
    mediaUpload?: { url: string; expiresAt: string };
  }>("ingest", "POST", "interactions", {
    externalId: `${tenantId}-call-${++externalCounter}`,
    agentId: "agent-1",
    startedAt: "2026-11-20T10:00:00.000Z",
    durationSeconds: 300,
    channel: "voice",
    ...(media ? { media } : {}),
  });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

async function createSession(interactionId: string, name: string) {
  const res = await call<{ id: string }>("admin", "POST", "sessions", {
    name,
    type: "Distributed",
    formIds: [formId],
    evaluatorId: "alice",
    dueDate: FUTURE,
    interaction: { mode: "manual", interactionId },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.id, etag: res.headers.get("etag")! };
}

/** Downloads an export link as a browser would and checks what the link promised. */
async function download(link: ExportLink): Promise<Uint8Array> {
  const res = await fetch(link.url);
  expect(res.status).toBe(200);
  const disposition = res.headers.get("content-disposition") ?? "";
  expect(disposition).toMatch(/^attachment;/);
  expect(disposition).toContain(`filename="${link.fileName}"`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(bytes.byteLength).toBe(link.sizeBytes);
  return bytes;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  prefix.every((b, i) => bytes[i] === b);

beforeAll(async () => {
  for (const [person, [userId, roles]] of Object.entries(people) as [
    Person,
    (typeof people)[Person],
  ][]) {
    tokens.set(person, await tokenFor({ tenantId, userId, roles }));
  }
  const form = await call<{ id: string }>("admin", "POST", "forms", customerCare);
  expect(form.status, form.text).toBe(201);
  formId = form.json.id;
});

describe("interaction media through Azurite", () => {
  it("uploads with the ingestion SAS and plays back a byte range with the session's link", async () => {
    const interaction = await ingest({ contentType: "audio/mpeg" });
    expect(interaction.hasMedia).toBe(true);
    const upload = interaction.mediaUpload!;
    expect(new URL(upload.url).hostname).toBe("127.0.0.1");
    expect(Date.parse(upload.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    const put = await fetch(upload.url, {
      method: "PUT",
      headers: { "x-ms-blob-type": "BlockBlob", "content-type": "audio/mpeg" },
      body: recording,
    });
    expect(put.status).toBe(201);
    // The upload link is create-only: it cannot read back what it wrote.
    expect((await fetch(upload.url)).status).toBe(403);

    const session = await createSession(interaction.id, "Media playback");
    const media = await call<{ url: string; contentType: string; expiresAt: string }>(
      "alice",
      "GET",
      `sessions/${session.id}/media`,
    );
    expect(media.status, media.text).toBe(200);
    expect(media.json.contentType).toBe("audio/mpeg");
    expect(Date.parse(media.json.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    const range = await fetch(media.json.url, { headers: { Range: "bytes=0-9" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-range")).toBe(`bytes 0-9/${recording.byteLength}`);
    expect([...new Uint8Array(await range.arrayBuffer())]).toEqual([...recording.slice(0, 10)]);
    const seek = await fetch(media.json.url, { headers: { Range: "bytes=1000-1003" } });
    expect(seek.status).toBe(206);
    expect([...new Uint8Array(await seek.arrayBuffer())]).toEqual([...recording.slice(1000, 1004)]);
    // Read-only: the playback link cannot overwrite the recording.
    const overwrite = await fetch(media.json.url, {
      method: "PUT",
      headers: { "x-ms-blob-type": "BlockBlob" },
      body: new Uint8Array(4),
    });
    expect(overwrite.status).toBe(403);

    // Another evaluator cannot even learn that the session exists.
    expectProblem(await call("bob", "GET", `sessions/${session.id}/media`), 404, "NOT_FOUND");
  });

  it("F4: a recording is written once, and plays back as the type declared at ingestion", async () => {
    const externalId = `${tenantId}-once`;
    const body = {
      externalId,
      agentId: "agent-1",
      startedAt: "2026-11-20T10:00:00.000Z",
      durationSeconds: 60,
      channel: "voice",
      media: { contentType: "audio/mpeg" },
    };
    const first = await call<{ id: string; mediaUpload?: { url: string } }>(
      "ingest",
      "POST",
      "interactions",
      body,
    );
    expect(first.status, first.text).toBe(201);
    const upload = first.json.mediaUpload!.url;
    // The uploader stores a type of its choosing; playback does not serve it.
    const put = (type: string, bytes: Uint8Array) =>
      fetch(upload, {
        method: "PUT",
        headers: { "x-ms-blob-type": "BlockBlob", "content-type": type },
        body: bytes,
      });
    expect((await put("text/html", recording)).status).toBe(201);
    expect((await put("audio/mpeg", new Uint8Array(8))).status).toBe(403);

    const again = await call("ingest", "POST", "interactions", body);
    expect(again.status, again.text).toBe(200);
    expect(again.json).not.toHaveProperty("mediaUpload");

    const session = await createSession(first.json.id, "Written once");
    const media = await call<{ url: string; contentType: string }>(
      "alice",
      "GET",
      `sessions/${session.id}/media`,
    );
    expect(media.json.contentType).toBe("audio/mpeg");
    const played = await fetch(media.json.url);
    expect(played.headers.get("content-type")).toBe("audio/mpeg");
    expect(new Uint8Array(await played.arrayBuffer())).toEqual(recording);
  });

  it("answers MEDIA_NOT_FOUND when media was declared but never uploaded, or never declared", async () => {
    const declared = await ingest({ contentType: "video/mp4" });
    expect(declared.mediaUpload).toBeDefined();
    const withoutUpload = await createSession(declared.id, "Declared, not uploaded");
    expectProblem(
      await call("alice", "GET", `sessions/${withoutUpload.id}/media`),
      404,
      "MEDIA_NOT_FOUND",
    );
    const none = await ingest();
    expect(none).not.toHaveProperty("mediaUpload");
    const withoutMedia = await createSession(none.id, "No media");
    expectProblem(
      await call("alice", "GET", `sessions/${withoutMedia.id}/media`),
      404,
      "MEDIA_NOT_FOUND",
    );
  });

  it("refuses to ingest media that is not audio or video", async () => {
    const res = await call("ingest", "POST", "interactions", {
      externalId: `${tenantId}-text`,
      agentId: "agent-1",
      startedAt: "2026-11-20T10:00:00.000Z",
      durationSeconds: 30,
      channel: "voice",
      media: { contentType: "text/html" },
    });
    expectProblem(res, 400, "VALIDATION_FAILED");
  });
});

describe("exports through Azurite", () => {
  it("exports pdf, password-protected xlsx and csv, each downloadable as an attachment, then completes with exports", async () => {
    const interaction = await ingest();
    const session = await createSession(interaction.id, "Week 48 – Exports");
    const saved = await call(
      "alice",
      "PUT",
      `sessions/${session.id}/answers`,
      {
        answers: {
          [formId]: {
            greet: { answerIds: ["yes"] },
            verify: { answerIds: ["full"] },
            resolved: { answerIds: ["yes"] },
            notes: { text: '=HYPERLINK("x") café' },
          },
        },
      },
      session.etag,
    );
    expect(saved.status, saved.text).toBe(200);

    const base = `Week_48___Exports_${session.id}`;
    const made = new Map<string, ExportLink>();
    for (const [format, body] of [
      ["pdf", { format: "pdf" }],
      ["xlsx", { format: "xlsx", password }],
      ["csv", { format: "csv" }],
    ] as const) {
      const res = await call<ExportLink>("alice", "POST", `sessions/${session.id}/exports`, body);
      expect(res.status, res.text).toBe(201);
      expect(res.json).toMatchObject({ format, fileName: `uncompleted_${base}.${format}` });
      made.set(format, res.json);
    }
    // No password for an xlsx, and none configured on the local host.
    expectProblem(
      await call("alice", "POST", `sessions/${session.id}/exports`, { format: "xlsx" }),
      400,
      "EXPORT_PASSWORD_REQUIRED",
    );

    const pdf = await download(made.get("pdf")!);
    expect(new TextDecoder().decode(pdf.slice(0, 5))).toBe("%PDF-");
    const xlsx = await download(made.get("xlsx")!);
    // An encrypted workbook is an OLE compound file, not the zip ("PK") of a plain .xlsx.
    expect(startsWith(xlsx, [0xd0, 0xcf, 0x11, 0xe0])).toBe(true);
    expect(startsWith(xlsx, [0x50, 0x4b])).toBe(false);
    const csv = await download(made.get("csv")!);
    expect(startsWith(csv, [0xef, 0xbb, 0xbf])).toBe(true);
    const csvText = new TextDecoder().decode(csv);
    expect(csvText).toContain("Greeted the customer by name?");
    expect(csvText).toContain("café");
    expect(csvText).not.toContain(password);

    const done = await call<{ session: { status: string }; exports: ExportLink[] }>(
      "alice",
      "POST",
      `sessions/${session.id}/complete`,
      { exports: ["csv", "xlsx"], exportPassword: password },
      saved.headers.get("etag")!,
    );
    expect(done.status, done.text).toBe(200);
    expect(done.json.session.status).toBe("Completed");
    expect(done.json.exports.map((e) => e.fileName)).toEqual([`${base}.csv`, `${base}.xlsx`]);
    for (const link of done.json.exports) await download(link);
    // A new export never reuses an old link: each one has its own blob.
    expect(done.json.exports[0]!.url).not.toBe(made.get("csv")!.url);
    // Two encrypted workbooks (over a second of key derivation each) and a PDF: room for a busy machine.
  }, 90_000);
});
