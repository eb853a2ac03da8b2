// The built package: what `npm run build` writes and the Functions worker loads (dist/index.js),
// the app bundled with its SDKs into one file. Built here by scripts/build.ts, loaded by plain
// Node in a process of its own with the local host's settings, and driven over HTTP through a
// session's life. Its own composition reaches cosmosdb-server and Azurite, verifies tokens
// against the local issuer's keys, publishes over AMQP to a Service Bus stand-in, and renders
// exports in the worker threads it starts on first use (dist/export-worker.js): bundling must
// have broken none of it.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import officeCrypto from "officecrypto-tool";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { buildPackage } from "../scripts/build.js";
import { parseConfig } from "../shared/config.js";
import { eventTypes } from "../shared/domain/events.js";
import { customerCare } from "./support/domain-fixtures.js";
import type { Role } from "../shared/domain/access.js";
import { registeredFunctions } from "../shared/registry.js";
import "../functions/index.js";
import { startAmqpPeer, type AmqpPeer } from "./support/amqp-peer.js";
import { api, callerWith, tokenFor, type ApiResponse } from "./support/http.js";

const outdir = resolve(".data", `package-${randomUUID().slice(0, 8)}`);
const tenantId = `package-${randomUUID().slice(0, 8)}`;
const password = "package-Pa55word!";

let peer: AmqpPeer;
let child: ChildProcess | undefined;
let childLog = "";
let packaged: { baseUrl: string; functions: string[] };
const people = {
  admin: "QM.Administrator",
  alice: "QM.Evaluator",
  ingest: "QM.Integration",
} as const;
type Person = keyof typeof people;
const tokens = new Map<Person, string>();
const call = callerWith(tokens, () => packaged.baseUrl);

/** `res` had `status`; otherwise the failure shows the body and what the package logged. */
function expectStatus(res: ApiResponse<unknown>, status: number): void {
  expect(res.status, `${res.text}\npackage log:\n${childLog}`).toBe(status);
}

async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

beforeAll(async () => {
  const entry = await buildPackage(outdir);
  const settings = inject("settings");
  peer = await startAmqpPeer({ topicName: parseConfig(settings).EVENTS_TOPIC });
  child = spawn(process.execPath, ["--import", "tsx", "test/support/package-host.ts", entry], {
    env: { ...process.env, ...settings, ServiceBusConnection: peer.connectionString },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => (childLog += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`The package host exited (${String(code)}) before it listened:\n${childLog}`);
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([once(lines, "line"), exited])) as [string];
  const ready = JSON.parse(first) as { port: number; functions: string[] };
  packaged = { baseUrl: `http://127.0.0.1:${ready.port}/api`, functions: ready.functions };

  for (const [person, role] of Object.entries(people) as [Person, Role][]) {
    tokens.set(person, await tokenFor({ tenantId, userId: person, roles: [role] }));
  }
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = once(child, "exit");
    child.kill();
    await exited;
  }
  await peer?.close();
  await rm(outdir, { recursive: true, force: true });
});

describe("the built package (dist/index.js)", () => {
  it("registers every function the source tree registers", () => {
    const names = registeredFunctions().map((d) => d.name);
    expect(names).toContain("sessionsAnswers");
    expect([...packaged.functions].sort()).toEqual([...names].sort());
  });

  it("reaches Cosmos DB and Blob Storage through the bundled SDKs", async () => {
    const res = await api<{ status: string; checks: Record<string, string> }>("health", {
      baseUrl: packaged.baseUrl,
    });
    expectStatus(res, 200);
    expect(res.json).toEqual({ status: "ok", checks: { cosmos: "ok", blob: "ok" } });
  });

  it("serves its OpenAPI document from the chunk it loads on first use", async () => {
    const res = await api<{ openapi: string; paths: Record<string, unknown> }>("openapi.json", {
      baseUrl: packaged.baseUrl,
    });
    expectStatus(res, 200);
    expect(res.json.openapi).toMatch(/^3\./);
    expect(Object.keys(res.json.paths)).toContain("/sessions/{id}/answers");
  });

  it("serves the API explorer, its Swagger UI read from node_modules beside the bundle", async () => {
    const page = await fetch(`${packaged.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/api/docs/assets/swagger-ui-bundle");
    const script = await fetch(`${packaged.baseUrl}/docs/assets/swagger-ui-bundle`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });

  it("takes a session from ingestion to completion, exports it, and publishes the event", async () => {
    const form = await call<{ id: string }>("admin", "POST", "forms", customerCare);
    expectStatus(form, 201);
    const interaction = await call<{ id: string }>("ingest", "POST", "interactions", {
      externalId: `${tenantId}-call-1`,
      agentId: "agent-1",
      startedAt: "2026-11-20T10:00:00.000Z",
      durationSeconds: 300,
      channel: "voice",
    });
    expectStatus(interaction, 201);
    const created = await call<{ id: string }>("admin", "POST", "sessions", {
      name: "Packaged",
      type: "Distributed",
      formIds: [form.json.id],
      evaluatorId: "alice",
      dueDate: "2030-06-01T00:00:00.000Z",
      interaction: { mode: "manual", interactionId: interaction.json.id },
    });
    expectStatus(created, 201);
    const id = created.json.id;
    const saved = await call(
      "alice",
      "PUT",
      `sessions/${id}/answers`,
      {
        answers: {
          [form.json.id]: {
            greet: { answerIds: ["yes"] },
            verify: { answerIds: ["full"] },
            resolved: { answerIds: ["yes"] },
          },
        },
      },
      created.headers.get("etag")!,
    );
    expectStatus(saved, 200);

    // Rendered by the export workers: threads tinypool starts on dist/export-worker.js, which
    // load pdfmake and exceljs from node_modules.
    const pdf = await call<{ url: string }>("alice", "POST", `sessions/${id}/exports`, {
      format: "pdf",
    });
    expectStatus(pdf, 201);
    expect(new TextDecoder().decode((await download(pdf.json.url)).slice(0, 5))).toBe("%PDF-");
    const xlsx = await call<{ url: string }>("alice", "POST", `sessions/${id}/exports`, {
      format: "xlsx",
      password,
    });
    expectStatus(xlsx, 201);
    // Encrypted: an OLE compound file, not a plain workbook's zip, that opens with the password.
    const encrypted = await download(xlsx.json.url);
    expect([...encrypted.slice(0, 4)]).toEqual([0xd0, 0xcf, 0x11, 0xe0]);
    const plain = await officeCrypto.decrypt(Buffer.from(encrypted), { password });
    expect(plain.subarray(0, 2).toString("latin1")).toBe("PK");

    const done = await call<{ session: { status: string } }>(
      "alice",
      "POST",
      `sessions/${id}/complete`,
      {},
      saved.headers.get("etag")!,
    );
    expectStatus(done, 200);
    expect(done.json.session.status).toBe("Completed");
    await vi.waitFor(() => {
      const completed = peer.messages.filter((m) => m.subject === eventTypes.completed);
      expect(completed.map((m) => String(m.correlationId))).toEqual([expect.stringContaining(id)]);
    });
    expect(peer.errors).toEqual([]);
  }, 90_000);
});
