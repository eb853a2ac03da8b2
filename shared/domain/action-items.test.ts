import { describe, expect, it } from "vitest";
import { canViewActionItem, close, createActionItem, respond } from "./action-items.js";
import { AppError } from "./errors.js";

const now = new Date("2026-11-26T10:00:00Z");
const item = createActionItem(
  {
    id: "item-1",
    tenantId: "t1",
    sessionId: "s1",
    agentId: "agent-1",
    evaluatorId: "eval-1",
    summary: "Please review the greeting",
    dueDate: "2026-12-01T00:00:00Z",
    showScore: true,
  },
  now,
);
const actor = (userId: string, roles: string[] = [], tenantId = "t1") => ({
  tenantId,
  userId,
  roles: new Set(roles),
});

describe("action items", () => {
  it("starts Open with an empty thread at revision 1", () => {
    expect(item).toMatchObject({
      status: "Open",
      responses: [],
      revision: 1,
      type: "EvaluatorMessage",
    });
  });

  it("is visible to its agent, its evaluator and Administrators of the tenant only", () => {
    expect(canViewActionItem(item, actor("agent-1"))).toBe(true);
    expect(canViewActionItem(item, actor("eval-1"))).toBe(true);
    expect(canViewActionItem(item, actor("boss", ["QM.Administrator"]))).toBe(true);
    expect(canViewActionItem(item, actor("agent-2"))).toBe(false);
    expect(canViewActionItem(item, actor("boss", ["QM.Administrator"], "t2"))).toBe(false);
  });

  it("marks the item Responded when the agent replies, not when the evaluator does", () => {
    const byEvaluator = respond(item, actor("eval-1"), "Any questions?", now);
    expect(byEvaluator.status).toBe("Open");
    const byAgent = respond(byEvaluator, actor("agent-1"), "Understood", now);
    expect(byAgent.status).toBe("Responded");
    expect(byAgent.responses.map((r) => r.by)).toEqual(["eval-1", "agent-1"]);
    expect(byAgent.revision).toBe(3);
  });

  it("refuses replies and a second close once Closed", () => {
    const closed = close(item);
    expect(closed.status).toBe("Closed");
    expect(() => respond(closed, actor("agent-1"), "late", now)).toThrow(AppError);
    expect(() => close(closed)).toThrowError(/ACTION_ITEM_CLOSED/);
  });
});
