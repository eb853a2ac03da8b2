// Analytics reads over synthetic buckets, and the lag of the read model on the local host.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiClient, devToken, type Reply } from "../dev/api-client.js";
import { startLocalHost } from "../dev/host.js";
import { createCosmosClient, database } from "../shared/adapters/cosmos/client.js";
import { createCosmosStores } from "../shared/adapters/cosmos/index.js";
import type { Role } from "../shared/domain/access.js";
import type { AnalyticsStore } from "../shared/ports.js";
import { syntheticBuckets } from "../test/support/analytics.js";
import { withCountingApp } from "../test/support/cosmos-calls.js";
import { customerCare } from "../test/support/domain-fixtures.js";
import { createTestApp } from "../test/support/harness.js";
import { admin } from "../test/support/scenario.js";
import { timeEach, type Measurement } from "./figures.js";

const now = new Date("2026-11-26T10:00:00.000Z");
const query = { from: "2026-08-28", to: "2026-11-26" };
async function fill(store: AnalyticsStore, sessions: number) {
  const plan = { tenantId: admin.tenantId, formId: "care", agents: 200, questions: 40 };
  for (const doc of syntheticBuckets({ ...plan, sessions, firstDay: query.from, days: 90 }, now))
    await store.put(doc, null);
}

export const analyticsReads: Measurement = {
  title: "analytics reads",
  about:
    "A skill-gap read (90 days, 200 agents, one form of 40 questions) over buckets made from " +
    "10,000 and 100,000 synthetic sessions: `analyticsCallsGrowth` is its Cosmos calls at " +
    "100,000 ÷ at 10,000 on cosmosdb-server (a page per 100 buckets, which ends before Azure's " +
    "4 MB for buckets of up to about 60 questions); `skillGapQueryMs` its time through the " +
    "handler on in-memory stores at 100,000.",
  async measure({ quick }) {
    const calls: number[] = [];
    for (const sessions of [10_000, 100_000]) {
      const counted = await withCountingApp(async ({ database, counted }) => {
        await fill(createCosmosStores(database).analytics, sessions);
        return counted("analyticsSkillGaps", { as: admin, query });
      });
      calls.push(counted.calls.length);
    }
    const app = await createTestApp({ now: now.toISOString() });
    await fill(app.stores.analytics, 100_000);
    const skillGaps = async () => {
      if ((await app.call("analyticsSkillGaps", { as: admin, query })).status !== 200)
        throw new Error("skill gaps failed");
    };
    const [at10k = 0, at100k = 0] = calls;
    return {
      analyticsCallsAt10k: at10k,
      analyticsCallsAt100k: at100k,
      analyticsCallsGrowth: at100k / at10k,
      skillGapQueryMs: await timeEach(skillGaps, quick ? 3 : 7),
    };
  },
};

const BURST = 500;
const answers = { greet: { answerIds: ["no"] }, verify: { answerIds: ["full"] } };
const session = { type: "Distributed", evaluatorId: "e", dueDate: "2099-01-01T00:00:00Z" };

export const analyticsLag: Measurement = {
  title: "analytics lag",
  about:
    `${BURST} completions (50 agents, one form) sent at once to the local host (dev/host.ts in ` +
    "this process: cosmosdb-server, the in-process topic and its `analytics` subscription); " +
    "`analyticsLagMs` is the 99th percentile of the time from a completion's response to the " +
    "moment both of its buckets hold it (one query every 20 ms).",
  async measure() {
    const dataDir = mkdtempSync(join(tmpdir(), "bench-lag-"));
    const host = await startLocalHost({
      ...{ port: 0, cosmosPort: 0, blobPort: 0, dataDir, seed: false, settingsFile: null },
      ...{ environment: {}, log: () => undefined },
    });
    const cosmos = createCosmosClient(host.config);
    const idOf = (reply: Reply) => String(reply.json.id);
    try {
      const token = (userId: string, role: Role) =>
        devToken(host.url, { tenantId: "lag", userId, roles: [role] });
      const tokens = {
        a: await token("a", "QM.Administrator"),
        e: await token("e", "QM.Evaluator"),
      };
      const send = apiClient(host.url, (as: "a" | "e") => Promise.resolve(tokens[as]));
      const formId = idOf(await send("a", "POST", "forms", customerCare));
      const burst: { id: string; etag: string; answered?: number; held?: number }[] = [];
      for (let i = 0; i < BURST; i++) {
        const interactionId = idOf(
          await send("a", "POST", "interactions", {
            ...{ externalId: `lag-${i}`, agentId: `agent-${i % 50}`, channel: "voice" },
            ...{ startedAt: "2026-11-20T10:00:00Z", durationSeconds: 60 },
          }),
        );
        const created = await send("a", "POST", "sessions", {
          ...{ ...session, name: `Lag ${i}`, formIds: [formId] },
          interaction: { mode: "manual", interactionId },
        });
        const body = { answers: { [formId]: { ...answers, resolved: { answerIds: ["yes"] } } } };
        const id = idOf(created);
        const saved = await send("e", "PUT", `sessions/${id}/answers`, body, created.etag);
        burst.push({ id, etag: saved.etag });
      }
      const buckets = database(cosmos, host.config).container("analytics").items;
      const poll = async (deadline: number) => {
        while (burst.some((s) => s.held === undefined) && performance.now() < deadline) {
          const sql = "SELECT VALUE c.applied FROM c WHERE c.kind = 'bucket'";
          const held = (await buckets.query<Record<string, number>>(sql).fetchAll()).resources;
          const count = new Map<string, number>();
          for (const id of held.flatMap((applied) => Object.keys(applied)))
            count.set(id, (count.get(id) ?? 0) + 1);
          // Held by both of its buckets (the form's and the sessions'): readable in full.
          for (const s of burst) if (count.get(s.id) === 2) s.held ??= performance.now();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const polled = poll(performance.now() + 60_000);
      await Promise.all(
        burst.map(async (s) => {
          await send("e", "POST", `sessions/${s.id}/complete`, {}, s.etag);
          s.answered = performance.now();
        }),
      );
      await polled;
      const lags = burst.map((s) => Math.max(0, (s.held ?? Infinity) - (s.answered ?? 0)));
      return { analyticsLagMs: lags.sort((a, b) => a - b)[Math.ceil(0.99 * BURST) - 1] ?? 0 };
    } finally {
      cosmos.dispose();
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
