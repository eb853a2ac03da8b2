// One policy run of 1,000 sessions on cosmosdb-server, its Cosmos calls counted at the adapter.
import { getServices } from "../shared/services.js";
import { withCountingApp } from "../test/support/cosmos-calls.js";
import { makeInteraction } from "../test/support/fixtures.js";
import { admin, createForm } from "../test/support/scenario.js";
import type { Measurement } from "./figures.js";

export const policyRun: Measurement = {
  title: "policy run",
  about:
    "`POST /policies/{id}/run` for a week of 200 agents × 8 interactions, perAgent 5 and 20 " +
    "evaluators (40 agents with --quick), against cosmosdb-server: sessions created per second " +
    "from the request to the end of the run, outbox moves included; Cosmos calls per session " +
    "of the run itself (holds, creates, its queries, operation and policy writes), without the " +
    "2 per session that move each new session's history entry out, as for every other write.",
  async measure({ quick }) {
    const agents = quick ? 40 : 200;
    return withCountingApp(async ({ app, counted }) => {
      const { id: formId } = await createForm(app);
      const week = Date.parse("2026-11-16T08:00:00Z");
      for (let n = 0; n < agents * 8; n++) {
        const startedAt = new Date(week + (n % 8) * 3_600_000).toISOString();
        const agentId = `a${Math.floor(n / 8)}`;
        await getServices().interactions.createIfAbsent(
          makeInteraction({ tenantId: admin.tenantId, agentId, startedAt }),
        );
      }
      const policy = await app.call<{ id: string }>("policiesCreate", {
        as: admin,
        body: {
          name: "Bench",
          type: "Distributed",
          formIds: [formId],
          quota: { perAgent: 5, period: "week" },
          evaluatorIds: Array.from({ length: 20 }, (_, i) => `e${i}`),
          dueInDays: 7,
        },
      });
      const params = { id: policy.json.id };
      const t0 = performance.now();
      const run = await counted("policiesRun", {
        as: admin,
        params,
        body: { periodStart: "2026-11-17T00:00:00Z" },
      });
      const seconds = (performance.now() - t0) / 1000;
      const operation = (run.res.headers.location ?? "").split("/").pop() ?? "";
      const op = await app.call<{ result?: { created: string[] } }>("operationsGet", {
        as: admin,
        params: { id: operation },
      });
      const created = op.json.result?.created.length ?? 0;
      if (!(created >= agents * 5)) throw new Error(`the run created ${created} sessions`);
      const all = [...run.calls, ...run.after];
      const outbox = all.filter(
        (c) => c.container === "history" || (c.container === "sessions" && c.operation === "patch"),
      );
      return {
        policyRunSessionsPerSecond: created / seconds,
        cosmosCallsPerPolicySession: (all.length - outbox.length) / created,
      };
    });
  },
};
