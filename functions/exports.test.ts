// POST /api/sessions/{id}/exports and complete with `exports`, over in-memory adapters: who may
// export, where the xlsx password comes from, file names, failures after a stored completion,
// and that the password never lands in a log line, a document, an event or blob metadata.
import ExcelJS from "exceljs";
import officeCrypto from "officecrypto-tool";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DependencyUnavailableError } from "../shared/dependency-errors.js";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bob,
  createSession,
  otherTenantAdmin,
  saveBestAnswers,
  tenant,
  type SessionSetup,
} from "../test/support/scenario.js";

/** The paths a 400 names. */
const errorPaths = (problem: { errors?: { path: string }[] }) => problem.errors?.map((e) => e.path);

const requestPassword = "req-Pa55word-\u00e9t\u00e9";
const tenantPassword = "tenant-secret-0042";
/** "Week 48 – Alice": the space and the en dash become `_`. */
const sanitized = "Week_48___Alice";

const exportsOf = (app: TestApp, s: SessionSetup, body: unknown, as = alice) =>
  app.call("sessionsExports", { as, params: { id: s.sessionId }, body });

async function answerAll(app: TestApp, s: SessionSetup): Promise<string> {
  const saved = await saveBestAnswers(app, s);
  expect(saved.status).toBe(200);
  return saved.headers.etag!;
}

/** The one upload the store holds for this file name. */
function uploaded(app: TestApp, fileName: string) {
  const found = [...app.blobs.exports.values()].filter((e) => e.fileName === fileName);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const oleMagic = [0xd0, 0xcf, 0x11, 0xe0];
const isOleFile = (bytes: Uint8Array) => oleMagic.every((b, i) => bytes[i] === b);

/**
 * The workbook inside an encrypted xlsx, decrypted by officecrypto-tool (an implementation
 * other than the service's): it opens only with the password the file was encrypted with.
 */
async function decryptedWorkbook(bytes: Uint8Array, password: string): Promise<ExcelJS.Workbook> {
  expect(isOleFile(bytes)).toBe(true);
  const plain = await officeCrypto.decrypt(Buffer.from(bytes), { password });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(plain).buffer);
  return workbook;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("POST /api/sessions/{id}/exports", () => {
  it("lets the assignee export a CSV named uncompleted_<name>_<id>.csv while not Completed", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const res = await exportsOf(app, s, { format: "csv" });
    expect(res.status).toBe(201);
    const fileName = `uncompleted_${sanitized}_${s.sessionId}.csv`;
    expect(res.json).toEqual({
      format: "csv",
      fileName,
      url: expect.stringContaining(fileName) as unknown,
      expiresAt: "2026-11-26T10:10:00.000Z",
      sizeBytes: expect.any(Number) as unknown,
    });
    const file = uploaded(app, fileName);
    expect(file.contentType).toBe("text/csv; charset=utf-8");
    expect(res.json.sizeBytes).toBe(file.bytes.byteLength);
    const text = new TextDecoder().decode(file.bytes);
    expect(text).toContain("Greeted the customer by name?");
    expect(text).toContain(s.sessionId);
  });

  it("calls an Expired session uncompleted too, and renders a PDF", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    app.clock.set("2026-12-02T00:00:00Z");
    const res = await exportsOf(app, s, { format: "pdf" });
    expect(res.status).toBe(201);
    expect(res.json.fileName).toBe(`uncompleted_${sanitized}_${s.sessionId}.pdf`);
    const file = uploaded(app, res.json.fileName);
    expect(file.contentType).toBe("application/pdf");
    expect(new TextDecoder().decode(file.bytes.slice(0, 5))).toBe("%PDF-");
  });

  it("encrypts an Administrator's xlsx with the request's password, not the tenant's", async () => {
    const app = await createTestApp({ settings: { EXPORT_PASSWORD: tenantPassword } });
    const s = await createSession(app);
    const res = await exportsOf(app, s, { format: "xlsx", password: requestPassword }, admin);
    expect(res.status).toBe(201);
    expect(res.json.fileName).toBe(`uncompleted_${sanitized}_${s.sessionId}.xlsx`);
    // Decrypting with the request's password proves it was the one used (the wrong-password
    // case is xlsx.test.ts's).
    const workbook = await decryptedWorkbook(
      uploaded(app, res.json.fileName).bytes,
      requestPassword,
    );
    const cells: unknown[] = [];
    workbook.getWorksheet("Summary")?.eachRow((row) => cells.push(row.getCell(2).value));
    expect(cells).toContain("Week 48 – Alice");
    expect(cells).toContain(s.sessionId);
  });

  it("falls back to the tenant's configured password for the assignee's xlsx", async () => {
    const app = await createTestApp({ settings: { EXPORT_PASSWORD: tenantPassword } });
    const s = await createSession(app);
    const res = await exportsOf(app, s, { format: "xlsx" });
    expect(res.status).toBe(201);
    const file = uploaded(app, res.json.fileName);
    expect(file.bytes.byteLength).toBe(res.json.sizeBytes);
    await decryptedWorkbook(file.bytes, tenantPassword);
  });

  it("answers 400 EXPORT_PASSWORD_REQUIRED for an xlsx with no password anywhere, uploading nothing", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const res = await exportsOf(app, s, { format: "xlsx" });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("EXPORT_PASSWORD_REQUIRED");
    expect(app.blobs.exports.size).toBe(0);
    // The other formats need no password.
    expect((await exportsOf(app, s, { format: "csv" })).status).toBe(201);
  });

  it.each([
    ["7 characters", "short-7"],
    ["129 characters", "x".repeat(129)],
  ])(
    "refuses a password of %s with 400 VALIDATION_FAILED at `password`, never echoing it",
    async (_name, password) => {
      const app = await createTestApp();
      const s = await createSession(app);
      const res = await exportsOf(app, s, { format: "xlsx", password });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe("VALIDATION_FAILED");
      expect(errorPaths(res.json)).toEqual(["password"]);
      expect(JSON.stringify(res.json)).not.toContain(password);
      expect(app.blobs.exports.size).toBe(0);
    },
  );

  it("refuses an unknown format with 400 at `format`", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const res = await exportsOf(app, s, { format: "docx" });
    expect(res.status).toBe(400);
    expect(errorPaths(res.json)).toEqual(["format"]);
  });

  it("hides the session from another evaluator and another tenant (404) and refuses an agent (403)", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const bobRes = await exportsOf(app, s, { format: "csv" }, bob);
    expect(bobRes.status).toBe(404);
    expect(bobRes.json.code).toBe("NOT_FOUND");
    expect((await exportsOf(app, s, { format: "csv" }, otherTenantAdmin)).status).toBe(404);
    expect((await exportsOf(app, s, { format: "csv" }, agent)).status).toBe(403);
    // 404 comes before the body: an invisible session with a bad body is still 404.
    expect((await exportsOf(app, s, { format: "docx" }, bob)).status).toBe(404);
    expect(app.blobs.exports.size).toBe(0);
  });

  it("refuses an Evaluator who can see an Unassigned session but is not its assignee (403)", async () => {
    const app = await createTestApp();
    const s = await createSession(app, { type: "Shared", evaluatorId: undefined });
    expect((await app.call("sessionsGet", { as: bob, params: { id: s.sessionId } })).status).toBe(
      200,
    );
    const res = await exportsOf(app, s, { format: "csv" }, bob);
    expect(res.status).toBe(403);
    expect((await exportsOf(app, s, { format: "csv" }, admin)).status).toBe(201);
  });

  it("still exports an archived session", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const etag = await answerAll(app, s);
    const done = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": etag },
      body: {},
    });
    expect(done.status).toBe(200);
    const archived = await app.call("sessionsArchive", { as: admin, body: { ids: [s.sessionId] } });
    expect(archived.json.archived).toEqual([s.sessionId]);
    const res = await exportsOf(app, s, { format: "csv" });
    expect(res.status).toBe(201);
    expect(res.json.fileName).toBe(`${sanitized}_${s.sessionId}.csv`);
  });
});

describe("POST /api/sessions/{id}/complete with exports", () => {
  it("completes, then makes each export of the completed session (no uncompleted_ prefix)", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const etag = await answerAll(app, s);
    const res = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": etag },
      body: { exports: ["csv", "xlsx"], exportPassword: requestPassword },
    });
    expect(res.status).toBe(200);
    expect(res.json.session.status).toBe("Completed");
    expect(res.json.exports).toEqual([
      expect.objectContaining({ format: "csv", fileName: `${sanitized}_${s.sessionId}.csv` }),
      expect.objectContaining({ format: "xlsx", fileName: `${sanitized}_${s.sessionId}.xlsx` }),
    ]);
    const xlsx = uploaded(app, `${sanitized}_${s.sessionId}.xlsx`);
    expect(isOleFile(xlsx.bytes)).toBe(true);
    expect(res.json.exports[1].sizeBytes).toBe(xlsx.bytes.byteLength);
    const csv = new TextDecoder().decode(uploaded(app, `${sanitized}_${s.sessionId}.csv`).bytes);
    expect(csv).toContain("Completed");
  });

  it("answers 400 EXPORT_PASSWORD_REQUIRED before If-Match and state checks, writing nothing", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const etag = await answerAll(app, s);
    const before = await app.stores.sessions.get(tenant, s.sessionId);
    // No If-Match either: the body's 400 comes first.
    const res = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      body: { exports: ["xlsx"] },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("EXPORT_PASSWORD_REQUIRED");
    const after = await app.stores.sessions.get(tenant, s.sessionId);
    expect(after).toEqual(before);
    expect(app.publisher.published).toEqual([]);
    expect(app.blobs.exports.size).toBe(0);

    // Once completed, the same body is still a 400, not 409 ALREADY_COMPLETED.
    const done = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": etag },
      body: {},
    });
    expect(done.status).toBe(200);
    const again = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": done.headers.etag! },
      body: { exports: ["xlsx"] },
    });
    expect(again.json.code).toBe("EXPORT_PASSWORD_REQUIRED");
  });

  it("refuses a repeated format or a bad exportPassword with 400 naming the path", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const etag = await answerAll(app, s);
    const complete = (body: unknown) =>
      app.call("sessionsComplete", {
        as: alice,
        params: { id: s.sessionId },
        headers: { "if-match": etag },
        body,
      });
    const repeated = await complete({ exports: ["csv", "csv"] });
    expect(repeated.status).toBe(400);
    expect(errorPaths(repeated.json)).toEqual(["exports"]);
    const short = await complete({ exports: ["xlsx"], exportPassword: "short" });
    expect(short.status).toBe(400);
    expect(errorPaths(short.json)).toEqual(["exportPassword"]);
    const read = await app.call("sessionsGet", { as: alice, params: { id: s.sessionId } });
    expect(read.json.status).toBe("InProgress");
  });

  it("F5: answers 503 DEPENDENCY_UNAVAILABLE with Retry-After while every export worker and queue place is taken", async () => {
    const app = await createTestApp({
      settings: {
        EXPORT_WORKERS: "1",
        EXPORT_QUEUE_LIMIT: "0",
        DEPENDENCY_RETRY_AFTER_SECONDS: "9",
      },
    });
    const s = await createSession(app);
    const both = await Promise.all([
      exportsOf(app, s, { format: "pdf" }),
      exportsOf(app, s, { format: "pdf" }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 503]);
    const refused = both.find((r) => r.status === 503)!;
    expect(refused.json.code).toBe("DEPENDENCY_UNAVAILABLE");
    expect(refused.headers["retry-after"]).toBe("9");
    expect(app.blobs.exports.size).toBe(1);
    // The place is free again once the first export is done.
    expect((await exportsOf(app, s, { format: "pdf" })).status).toBe(201);
  });

  it("reports an export refused by full export workers in complete's result, like a store failure", async () => {
    const app = await createTestApp({
      settings: { EXPORT_WORKERS: "1", EXPORT_QUEUE_LIMIT: "0" },
    });
    const s = await createSession(app);
    const etag = await answerAll(app, s);
    const busy = exportsOf(app, s, { format: "pdf" }, admin);
    const res = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": etag },
      body: { exports: ["pdf", "csv"] },
    });
    expect((await busy).status).toBe(201);
    expect(res.status).toBe(200);
    expect(res.json.session.status).toBe("Completed");
    expect(res.json.exports[0]).toEqual({
      format: "pdf",
      error: {
        code: "DEPENDENCY_UNAVAILABLE",
        detail: expect.stringContaining("retry") as unknown,
      },
    });
    // A CSV is rendered without a worker.
    expect(res.json.exports[1]).toMatchObject({ format: "csv", fileName: expect.any(String) });
  });

  it("reports a failed export while the session stays Completed, and a retry succeeds", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const etag = await answerAll(app, s);
    const put = app.blobs.putExport.bind(app.blobs);
    const spy = vi
      .spyOn(app.blobs, "putExport")
      .mockRejectedValueOnce(new DependencyUnavailableError("blob", 5))
      .mockImplementation(put);
    const res = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": etag },
      body: { exports: ["pdf", "csv"] },
    });
    expect(res.status).toBe(200);
    expect(res.json.session.status).toBe("Completed");
    expect(res.json.exports[0]).toEqual({
      format: "pdf",
      error: { code: "DEPENDENCY_UNAVAILABLE", detail: expect.any(String) as unknown },
    });
    expect(res.json.exports[1]).toMatchObject({ format: "csv", fileName: expect.any(String) });
    expect(spy).toHaveBeenCalledTimes(2);
    expect((await app.stores.sessions.get(tenant, s.sessionId))?.doc.state).toBe("Completed");
    expect(app.publisher.published.map((e) => e.type)).toEqual([
      "com.speechminer.evaluationsession.completed.v1",
    ]);

    const retry = await exportsOf(app, s, { format: "pdf" });
    expect(retry.status).toBe(201);
    expect(retry.json.fileName).toBe(`${sanitized}_${s.sessionId}.pdf`);
  });

  it("keeps every password out of logs, stored documents, events and blob metadata", async () => {
    const app = await createTestApp({ settings: { EXPORT_PASSWORD: tenantPassword } });
    const s = await createSession(app);
    const etag = await answerAll(app, s);
    // The xlsx upload fails, so the handler logs about the export that used the password.
    let refused: Uint8Array = new Uint8Array();
    vi.spyOn(app.blobs, "putExport").mockImplementationOnce((_tenant, _id, _name, bytes) => {
      refused = bytes;
      return Promise.reject(new Error("upload refused by the store (test)"));
    });
    const done = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": etag },
      body: {
        exports: ["xlsx"],
        exportPassword: requestPassword,
        notifyAgent: { dueDate: "2026-12-05T00:00:00Z", summary: "Well done", showScore: true },
      },
    });
    expect(done.status).toBe(200);
    expect(done.json.exports[0].error.code).toBe("INTERNAL");
    const tenantOnes = await exportsOf(app, s, { format: "xlsx" });
    expect(tenantOnes.status).toBe(201);
    await app.deliver();

    // Both passwords did flow to the encryption, so their absence below means something.
    await decryptedWorkbook(refused, requestPassword);
    await decryptedWorkbook(uploaded(app, tenantOnes.json.fileName).bytes, tenantPassword);
    expect(app.logs.join("\n")).toContain("xlsx export failed");
    const session = await app.stores.sessions.get(tenant, s.sessionId);
    const items = await app.stores.actionItems.list(
      tenant,
      { sessionId: s.sessionId },
      { limit: 50 },
    );
    expect(items.items).toHaveLength(1);
    const blobMetadata = [...app.blobs.exports.entries()].map(([path, e]) => ({
      path,
      fileName: e.fileName,
      contentType: e.contentType,
    }));
    const haystack = JSON.stringify([
      app.logs,
      session,
      items,
      app.publisher.published,
      blobMetadata,
      done.json,
      tenantOnes.json,
    ]);
    for (const secret of [requestPassword, tenantPassword]) {
      expect(haystack).not.toContain(secret);
    }
  });
});
