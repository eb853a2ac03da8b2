// Completion end to end over real HTTP on the local host: the completion goes through the
// outbox to the in-process topic, whose consumers tag the interaction and create the agent's
// action item; then the agent and the evaluator use that item. Effects are polled, never slept on.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { customerCare } from "./support/domain-fixtures.js";
import { api, tokenFor, type ApiResponse } from "./support/http.js";

const tenantId = `t-${randomUUID().slice(0, 8)}`;
const evaluatorId = `eval-${randomUUID().slice(0, 8)}`;
const agentId = `agent-${randomUUID().slice(0, 8)}`;

interface ActionItem {
  id: string;
  sessionId: string;
  agentId: string;
  evaluatorId: string;
  status: string;
  showScore: boolean;
  score?: number | null;
  responses: { by: string; message: string }[];
}

const tokens = { admin: "", evaluator: "", agent: "" };

beforeAll(async () => {
  tokens.admin = await tokenFor({ tenantId, userId: "admin-1", roles: ["QM.Administrator"] });
  tokens.evaluator = await tokenFor({ tenantId, userId: evaluatorId, roles: ["QM.Evaluator"] });
  tokens.agent = await tokenFor({ tenantId, userId: agentId, roles: ["QM.Agent"] });
});

function ok<T>(response: ApiResponse<T>, status: number, what: string): T {
  if (response.status !== status)
    throw new Error(`${what}: expected ${status}, got ${response.status} ${response.text}`);
  return response.json;
}

/** Re-checks `probe` until it returns a value (not undefined) or the deadline passes. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last !== undefined) return last;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("completing a session with notifyAgent, over HTTP on the local host", () => {
  it("tags the interaction, gives the agent one action item, and the thread and read-only view work", async () => {
    const form = ok(
      await api<{ id: string }>("forms", {
        method: "POST",
        token: tokens.admin,
        body: customerCare,
      }),
      201,
      "create form",
    );
    const interaction = ok(
      await api<{ id: string; tags: string[] }>("interactions", {
        method: "POST",
        token: tokens.admin,
        body: {
          externalId: `call-${randomUUID()}`,
          agentId,
          startedAt: "2026-11-20T10:00:00Z",
          durationSeconds: 300,
          channel: "voice",
        },
      }),
      201,
      "ingest",
    );
    expect(interaction.tags).toEqual([]);
    const created = await api<{ id: string }>("sessions", {
      method: "POST",
      token: tokens.admin,
      body: {
        name: "End to end",
        type: "Distributed",
        formIds: [form.id],
        evaluatorId,
        dueDate: "2099-12-01T00:00:00Z",
        interaction: { mode: "manual", interactionId: interaction.id },
      },
    });
    const sessionId = ok(created, 201, "create session").id;

    const saved = await api(`sessions/${sessionId}/answers`, {
      method: "PUT",
      token: tokens.evaluator,
      headers: { "if-match": created.headers.get("etag")! },
      body: {
        answers: {
          [form.id]: {
            greet: { answerIds: ["yes"] },
            verify: { answerIds: ["full"] },
            resolved: { answerIds: ["no"] },
          },
        },
      },
    });
    ok(saved, 200, "save answers");

    const completeBody = {
      notifyAgent: {
        dueDate: "2099-12-05T00:00:00Z",
        summary: "Resolve it next time",
        showScore: true,
      },
    };
    const completed = await api<{ session: { status: string; scores: { session: number } } }>(
      `sessions/${sessionId}/complete`,
      {
        method: "POST",
        token: tokens.evaluator,
        headers: { "if-match": saved.headers.get("etag")! },
        body: completeBody,
      },
    );
    const { session } = ok(completed, 200, "complete");
    expect(session.status).toBe("Completed");
    const score = session.scores.session;
    expect(score).toBe(40);

    await eventually("the Evaluated tag", async () => {
      const read = ok(
        await api<{ tags: string[] }>(`interactions/${interaction.id}`, { token: tokens.admin }),
        200,
        "read interaction",
      );
      return read.tags.includes("Evaluated") ? read.tags : undefined;
    });
    const [item] = await eventually("the agent's action item", async () => {
      const page = ok(
        await api<{ items: ActionItem[] }>("action-items", { token: tokens.agent }),
        200,
        "agent's items",
      );
      return page.items.length > 0 ? page.items : undefined;
    });
    expect(item).toMatchObject({
      sessionId,
      agentId,
      evaluatorId,
      status: "Open",
      showScore: true,
      score,
      responses: [],
    });

    // The agent replies; the evaluator sees the reply.
    const opened = await api<ActionItem>(`action-items/${item!.id}`, { token: tokens.agent });
    ok(opened, 200, "agent opens item");
    const replied = await api<ActionItem>(`action-items/${item!.id}/responses`, {
      method: "POST",
      token: tokens.agent,
      headers: { "if-match": opened.headers.get("etag")! },
      body: { message: "Understood, I will follow up." },
    });
    expect(ok(replied, 201, "agent replies").status).toBe("Responded");
    const seen = ok(
      await api<ActionItem>(`action-items/${item!.id}`, { token: tokens.evaluator }),
      200,
      "evaluator reads item",
    );
    expect(seen.status).toBe("Responded");
    expect(seen.responses).toEqual([
      expect.objectContaining({ by: agentId, message: "Understood, I will follow up." }),
    ]);

    // The agent opens the session read-only, with scores because the item says showScore.
    const asAgent = await api<{ scores?: { session: number } }>(`sessions/${sessionId}`, {
      token: tokens.agent,
    });
    expect(ok(asAgent, 200, "agent reads session").scores?.session).toBe(score);
    const agentSave = await api(`sessions/${sessionId}/answers`, {
      method: "PUT",
      token: tokens.agent,
      headers: { "if-match": asAgent.headers.get("etag")! },
      body: { answers: {} },
    });
    expect(agentSave.status).toBe(403);

    // Still exactly one item and one tag after all deliveries settled.
    const items = ok(
      await api<{ items: ActionItem[] }>("action-items", { token: tokens.agent }),
      200,
      "agent's items again",
    );
    expect(items.items.map((i) => i.id)).toEqual([item!.id]);
    const tags = ok(
      await api<{ tags: string[] }>(`interactions/${interaction.id}`, { token: tokens.admin }),
      200,
      "interaction again",
    );
    expect(tags.tags).toEqual(["Evaluated"]);

    // A second completion is refused and changes nothing.
    const again = await api<{ code: string }>(`sessions/${sessionId}/complete`, {
      method: "POST",
      token: tokens.evaluator,
      headers: { "if-match": asAgent.headers.get("etag")! },
      body: completeBody,
    });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe("ALREADY_COMPLETED");
  });
});
