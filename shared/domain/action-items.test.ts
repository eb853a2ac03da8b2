import { describe, expect, it } from "vitest";
import { canViewActionItem, close, createActionItem, respond } from "./action-items.js";
import { AppError } from "./errors.js";
import type { Role } from "./access.js";
import { change } from "../../test/support/domain-fixtures.js";

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
const actor = (userId: string, roles: Role[] = [], tenantId = "t1") => ({
  tenantId,
  userId,
  name: userId,
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
    const byEvaluator = respond(
      item,
      actor("eval-1"),
      change(item, { message: "Any questions?" }),
      now,
    );
    expect(byEvaluator.status).toBe("Open");
    const byAgent = respond(
      byEvaluator,
      actor("agent-1"),
      change(byEvaluator, { message: "Understood" }),
      now,
    );
    expect(byAgent.status).toBe("Responded");
    expect(byAgent.responses.map((r) => r.by)).toEqual(["eval-1", "agent-1"]);
    expect(byAgent.revision).toBe(3);
  });

  it("checks the revision the writer saw before the item's state (412 before 409)", () => {
    const closed = close(item, change(item, undefined));
    const stale = { input: { ok: true as const, value: undefined }, seen: 1 };
    expect(() => close(closed, stale)).toThrowError(/PRECONDITION_FAILED/);
    expect(() => close(item, { ...stale, seen: "none" })).toThrowError(/PRECONDITION_REQUIRED/);
  });

  it("refuses replies and a second close once Closed", () => {
    const closed = close(item, change(item, undefined));
    expect(closed.status).toBe("Closed");
    expect(() =>
      respond(closed, actor("agent-1"), change(closed, { message: "late" }), now),
    ).toThrow(AppError);
    expect(() => close(closed, change(closed, undefined))).toThrowError(/ACTION_ITEM_CLOSED/);
  });
});
