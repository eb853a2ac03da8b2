// Analytics end to end on the local host: completions and a rescore over HTTP go through the
// outbox, the in-process topic's `analytics` subscription and cosmosdb-server into the read
// model, and show in the reads within the contract's 10 seconds; then `npm run
// analytics:rebuild` recomputes the tenant's read model from its sessions.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { customerCare } from "./support/domain-fixtures.js";
import { api, expectProblem, tokenFor, type ApiResponse } from "./support/http.js";

const run = promisify(execFile);
const tenantId = `t-${randomUUID().slice(0, 8)}`;
const tokens = { admin: "", evaluator: "", agent: "" };
const evaluatorId = "eval-1";

beforeAll(async () => {
  tokens.admin = await tokenFor({ tenantId, userId: "admin-1", roles: ["QM.Administrator"] });
  tokens.evaluator = await tokenFor({ tenantId, userId: evaluatorId, roles: ["QM.Evaluator"] });
  tokens.agent = await tokenFor({ tenantId, userId: "agent-a", roles: ["QM.Agent"] });
});

function ok<T>(response: ApiResponse<T>, status: number, what: string): T {
  if (response.status !== status)
    throw new Error(`${what}: expected ${status}, got ${response.status} ${response.text}`);
  return response.json;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not show within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Completes a session of `agentId` with greet answered `greet`; returns its id and ETag. */
async function complete(formId: string, agentId: string, greet: "yes" | "no") {
  const interaction = ok(
    await api<{ id: string }>("interactions", {
      method: "POST",
      token: tokens.admin,
      body: {
        externalId: `call-${randomUUID()}`,
        agentId,
        startedAt: "2026-11-20T10:00:00Z",
        durationSeconds: 120,
        channel: "voice",
      },
    }),
    201,
    "ingest",
  );
  const created = await api<{ id: string }>("sessions", {
    method: "POST",
    token: tokens.admin,
    body: {
      name: "Analytics",
      type: "Distributed",
      formIds: [formId],
      evaluatorId,
      dueDate: "2099-01-01T00:00:00Z",
      interaction: { mode: "manual", interactionId: interaction.id },
    },
  });
  const id = ok(created, 201, "create").id;
  const saved = await api(`sessions/${id}/answers`, {
    method: "PUT",
    token: tokens.evaluator,
    headers: { "if-match": created.headers.get("etag") ?? "" },
    body: {
      answers: {
        [formId]: {
          greet: { answerIds: [greet] },
          verify: { answerIds: ["full"] },
          resolved: { answerIds: ["yes"] },
        },
      },
    },
  });
  const done = await api(`sessions/${id}/complete`, {
    method: "POST",
    token: tokens.evaluator,
    headers: { "if-match": saved.headers.get("etag") ?? "" },
    body: {},
  });
  ok(done, 200, "complete");
  return { id, etag: done.headers.get("etag") ?? "" };
}

interface Profile {
  sessions: number;
  questions: { questionId: string; n: number; mean: number; others: { n: number } }[];
}

const profile = async (agentId: string) =>
  ok(
    await api<Profile>(`analytics/agents/${agentId}`, { token: tokens.evaluator }),
    200,
    "profile",
  );

const greetOf = (p: Profile) => p.questions.find((q) => q.questionId === "greet");

describe("analytics over HTTP on the local host", () => {
  it("shows completions and a rescore within 10 s, serves CSV, and is rebuilt from the sessions", async () => {
    const form = ok(
      await api<{ id: string }>("forms", {
        method: "POST",
        token: tokens.admin,
        body: customerCare,
      }),
      201,
      "form",
    );
    const first = await complete(form.id, "agent-a", "no");
    await complete(form.id, "agent-a", "no");
    await complete(form.id, "agent-b", "yes");
    await complete(form.id, "agent-b", "yes");
    // Each bucket is written on its own: wait until all of them show the four sessions.
    const counted = await eventually("the completions", async () => {
      const [a, b] = [await profile("agent-a"), await profile("agent-b")];
      const seen = [a, b].every((p) => p.sessions === 2 && greetOf(p)?.others.n === 2);
      return seen ? a : undefined;
    });
    expect(greetOf(counted)).toMatchObject({ n: 2, mean: 0, others: { n: 2 } });

    const rescore = await api(`sessions/${first.id}/answers`, {
      method: "PUT",
      token: tokens.evaluator,
      headers: { "if-match": first.etag },
      body: { answers: { [form.id]: { greet: { answerIds: ["yes"] } } } },
    });
    ok(rescore, 200, "rescore");
    const rescored = await eventually("the rescore", async () => {
      const a = await profile("agent-a");
      return greetOf(a)?.mean === 50 ? a : undefined;
    });
    expect(rescored.sessions).toBe(2);

    const csv = await api("analytics/skill-gaps?format=csv&alpha=1&minN=2", {
      token: tokens.admin,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.text.split("\r\n")[0]).toBe(
      "agentId,formId,questionId,text,n,mean,othersN,othersMean,gap,pValue",
    );
    expectProblem(await api(`analytics/agents/agent-a`, { token: tokens.agent }), 403, "FORBIDDEN");

    // The rebuild, as an operator runs it, against this host's Cosmos DB stand-in.
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "scripts/analytics-rebuild.ts", "--tenant", tenantId],
      { env: { ...process.env, ...inject("settings") }, timeout: 60_000 },
    );
    expect(stdout).toContain(`tenant ${tenantId} rebuilt: 4 session(s) applied`);
    const rebuilt = await profile("agent-a");
    expect(rebuilt.sessions).toBe(2);
    expect(greetOf(rebuilt)).toMatchObject({ n: 2, mean: 50, others: { n: 2 } });
  }, 60_000);
});
