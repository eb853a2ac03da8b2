// Runs docs/policies.md's worked example against the registered handlers: its policy,
// interactions and open sessions are stored as the page shows them, and the dry run, the run
// and the rerun must answer exactly the page's blocks. The doc is the test.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { channels, type SessionDocument } from "../shared/domain/model.js";
import { newPolicy, policyInputSchema } from "../shared/domain/policies.js";
import { createTestApp, type TestApp, type TestPrincipal } from "../test/support/harness.js";
import { makeForm, makeInteraction, makeSession } from "../test/support/fixtures.js";

const doc = readFileSync(new URL("../docs/policies.md", import.meta.url), "utf8");

/** The JSON of the block fenced ```json <kind>. */
function block(kind: string): unknown {
  const match = new RegExp("^```json " + kind + "\\n([\\s\\S]*?)^```$", "m").exec(doc);
  if (!match?.[1]) throw new Error(`docs/policies.md has no \`\`\`json ${kind} block`);
  return JSON.parse(match[1]);
}

const interactionsSchema = z.array(
  z.strictObject({
    id: z.string(),
    agentId: z.string(),
    startedAt: z.string(),
    channel: z.enum(channels),
    durationSeconds: z.number(),
    tags: z.array(z.string()).optional(),
  }),
);

const tenantId = "contoso";
const admin: TestPrincipal = { tenantId, userId: "admin-1", roles: ["QM.Administrator"] };

async function store(app: TestApp, kind: string): Promise<void> {
  for (const i of interactionsSchema.parse(block(kind))) {
    const startedAt = new Date(i.startedAt).toISOString();
    await app.stores.interactions.createIfAbsent(makeInteraction({ tenantId, ...i, startedAt }));
  }
}

/** The policy's sessions as the page lists them. */
async function sessions(app: TestApp, ids: readonly string[]) {
  const found: (Pick<SessionDocument, "id" | "agentId" | "evaluatorId" | "selection"> & {
    interactionId: string;
  })[] = [];
  for (const id of ids) {
    const s = (await app.stores.sessions.get(tenantId, id))?.doc;
    if (!s) throw new Error(`no session ${id}`);
    const { agentId, evaluatorId, selection } = s;
    found.push({ id, agentId, interactionId: s.interaction.id, evaluatorId, selection });
  }
  return found;
}

describe("docs/policies.md worked example", () => {
  it("answers the page's dry run, run and rerun", async () => {
    const app = await createTestApp({ now: "2026-11-18T09:00:00Z" });
    await app.stores.forms.create(makeForm({ tenantId, id: "care" }));
    const { id, ...body } = z.object({ id: z.string() }).loose().parse(block("policy"));
    const actor = { tenantId, userId: "admin-1", name: "Admin", roles: new Set([]) };
    await app.stores.policies.create(
      newPolicy(actor, policyInputSchema.parse(body), id, app.clock.now()),
    );
    await store(app, "interactions");
    const open = z.record(z.string(), z.number()).parse(block("open"));
    for (const [evaluatorId, count] of Object.entries(open))
      for (let n = 0; n < count; n++)
        await app.stores.sessions.create(
          makeSession({ tenantId, evaluatorId, dueDate: "2026-12-31T00:00:00.000Z" }),
        );
    const run = (dryRun: boolean) =>
      app.call("policiesRun", {
        as: admin,
        params: { id },
        body: { periodStart: app.clock.now().toISOString(), dryRun },
      });

    expect((await run(true)).json).toEqual(block("dry-run"));

    const started = await run(false);
    const op = await app.call("operationsGet", {
      as: admin,
      params: { id: started.json.operationId },
    });
    const expected = z.array(z.object({ id: z.string() }).loose()).parse(block("sessions"));
    expect(await sessions(app, op.json.result.created)).toEqual(expected);
    const first = (await app.stores.sessions.get(tenantId, expected[0]?.id ?? ""))?.doc;
    expect([first?.name, first?.dueDate]).toEqual([
      "Weekly voice QA – agent7 – 2026-11-16",
      "2026-11-25T09:00:00.000Z",
    ]);

    app.clock.set("2026-11-20T10:00:00Z");
    await store(app, "late");
    const rerun = await run(false);
    const result = (
      await app.call("operationsGet", { as: admin, params: { id: rerun.json.operationId } })
    ).json.result;
    expect({
      created: await sessions(app, result.created),
      shortfall: result.shortfall,
    }).toEqual(block("rerun"));
  });
});
