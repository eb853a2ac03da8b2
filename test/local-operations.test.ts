// The local host as an operator and an evaluator use it, on hosts of this file's own (not the
// shared one of test/global-setup.ts): data that survives a restart over the same data folder
// (start, create, stop, start, read back; --fresh starts empty), and `npm run dlq` listing,
// showing and replaying a message that failed its schema.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalHost, type LocalHost, type LocalHostOptions } from "../dev/host.js";
import { eventTypes } from "../shared/domain/events.js";
import { customerCare } from "./support/domain-fixtures.js";

const duplicateWindowMs = 6000;
let dataDir: string;
let host: LocalHost | undefined;
const hostLog: string[] = [];

function start(options: LocalHostOptions = {}): Promise<LocalHost> {
  return startLocalHost({
    port: 0,
    cosmosPort: 0,
    blobPort: 0,
    dataDir,
    seed: false,
    keepData: true,
    snapshotIntervalMs: 200,
    settingsFile: null,
    environment: {},
    topic: { maxDeliveries: 3, redeliveryDelayMs: 10, duplicateWindowMs },
    log: (line) => hostLog.push(line),
    ...options,
  });
}

async function stop(): Promise<void> {
  await host?.stop();
  host = undefined;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "local-operations-"));
});

afterAll(async () => {
  await stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** A call to the running host as `userId` of `tenantId` (a token from its local issuer). */
async function call(
  method: string,
  path: string,
  as: { tenantId: string; userId: string },
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const tokenResponse = await fetch(`${host!.url}/dev/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...as, roles: ["QM.Administrator"] }),
  });
  const { token } = (await tokenResponse.json()) as { token: string };
  const response = await fetch(`${host!.url}/${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const admin = { tenantId: "restart", userId: "admin-1" };
let formId: string;

describe("local data across restarts", () => {
  it("reads back after a stop and a start what was created before", async () => {
    host = await start();
    expect(host.loadedDocuments).toBe(0);
    const created = await call("POST", "forms", admin, customerCare);
    expect(created.status).toBe(201);
    formId = String(created.json.id);

    // Saved within the interval, without a stop: a crash loses at most that much.
    const snapshotFile = join(dataDir, "cosmos-snapshot.json");
    await expect
      .poll(() => readFile(snapshotFile, "utf8").catch(() => ""), { timeout: 5_000 })
      .toContain(formId);

    await stop();
    host = await start({ seed: true });
    expect(host.loadedDocuments).toBeGreaterThan(0);
    const read = await call("GET", `forms/${formId}`, admin);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);
    // The demo seed goes only into an empty store.
    const demo = await call("GET", "forms", { tenantId: "demo", userId: "admin-1" });
    expect(demo.json.items).toEqual([]);
  });
});

/** `npm run dlq -- <args>` against the running host. */
function dlq(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["run", "--silent", "dlq", "--", ...args, "--host", host!.url],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface Listed {
  subscription: string;
  messageId: string;
  errorDescription: string;
  at: string;
  body: { data: { sessionId: string } };
}

describe("npm run dlq against the local host", () => {
  it("lists, shows and replays a message that failed its schema", async () => {
    // A completed event without the interaction: both consumers refuse it on every delivery.
    const publishedAt = Date.now();
    await host!.topic.publish([
      {
        specversion: "1.0",
        id: "broken-1.completed.2",
        source: "/tenants/restart/evaluation-sessions",
        type: eventTypes.completed,
        subject: "broken-1",
        time: "2026-11-26T10:00:00.000Z",
        datacontenttype: "application/json",
        data: { tenantId: "restart", sessionId: "broken-1" },
      },
    ]);
    await host!.topic.idle();

    // Sent again inside the duplicate window, the topic would drop it: refused, kept.
    const early = await dlq("replay", "--subscription", "tagging", "--id", "broken-1.completed.2");
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/duplicate detection window until/);

    const listed = await dlq("list", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    const entries = JSON.parse(listed.stdout) as Listed[];
    expect(entries.map((e) => [e.subscription, e.messageId]).sort()).toEqual([
      ["notifications", "broken-1.completed.2"],
      ["tagging", "broken-1.completed.2"],
    ]);
    const first = entries.find((e) => e.subscription === "tagging")!;
    expect(first.errorDescription).toMatch(/^Invalid completed event: .*interactionId/);

    const shown = await dlq("show", "--subscription", "tagging", "--id", "broken-1.completed.2");
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as Listed).body.data.sessionId).toBe("broken-1");

    const windowEnds = publishedAt + duplicateWindowMs + 100;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowEnds - Date.now())));
    const replayed = await dlq(
      "replay",
      "--subscription",
      "tagging",
      "--id",
      "broken-1.completed.2",
    );
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/replayed broken-1.completed.2 from tagging/);
    await host!.topic.idle();

    // Still poison: delivered again with the same messageId to every subscription, and
    // dead-lettered again after its deliveries.
    const after = JSON.parse((await dlq("list", "--json")).stdout) as Listed[];
    const tagging = after.filter((e) => e.subscription === "tagging");
    expect(tagging.map((e) => e.messageId)).toEqual(["broken-1.completed.2"]);
    expect(Date.parse(tagging[0]!.at)).toBeGreaterThan(Date.parse(first.at));
    expect(after.filter((e) => e.subscription === "notifications")).toHaveLength(2);

    const missing = await dlq("show", "--subscription", "tagging", "--id", "nope");
    expect(missing.code).toBe(1);
  });
});

describe("npm start -- --fresh", () => {
  it("starts empty", async () => {
    await stop();
    host = await start({ fresh: true });
    expect(host.loadedDocuments).toBe(0);
    expect((await call("GET", `forms/${formId}`, admin)).status).toBe(404);
  });
});
