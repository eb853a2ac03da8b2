import { createHash, randomUUID } from "node:crypto";
import { createActionItem } from "../shared/domain/action-items.js";
import { AppError } from "../shared/domain/errors.js";
import { actionItemResponse } from "../shared/app/action-item-flow.js";
import { loadVisibleSession, requireWorker } from "../shared/app/session-flow.js";
import { actionItemViewSchema } from "../shared/app/views.js";
import { httpFunction } from "../shared/registry.js";
import { notifyAgentSchema } from "./sessions-complete.js";

/** How long an Idempotency-Key returns the item it first created. */
const idempotencyWindowMs = 24 * 60 * 60 * 1000;
/** How many expired generations of one key are followed before a fresh id is used. */
const maxKeyGenerations = 32;

function idFor(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 40);
}

export const sessionsNotifyAgent = httpFunction({
  name: "sessionsNotifyAgent",
  route: "sessions/{id}/notify-agent",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Send the agent an Evaluator Message action item about this session (any status)",
  tags: ["Action items"],
  body: notifyAgentSchema,
  responses: [
    { status: 201, description: "The action item", schema: actionItemViewSchema },
    {
      status: 200,
      description: "A retry with the same Idempotency-Key: the item it created",
      schema: actionItemViewSchema,
    },
  ],
  handler: async ({ principal, services, params, body, request }) => {
    const { stored } = await loadVisibleSession(services, principal, params.id);
    const session = stored.doc;
    requireWorker(session, principal, "assigneeOrAdmin");
    const input = await body();
    if (session.archived)
      throw new AppError("SESSION_ARCHIVED", "An archived session is read-only.");
    const now = services.clock.now();
    const newItem = (id: string) =>
      createActionItem(
        {
          id,
          tenantId: principal.tenantId,
          sessionId: session.id,
          agentId: session.agentId,
          evaluatorId: principal.userId,
          summary: input.summary,
          dueDate: input.dueDate,
          showScore: input.showScore,
        },
        now,
      );
    const key = request.headers.get("idempotency-key")?.trim();
    if (key) {
      // A key answers its retries for 24 hours. After that the same key starts a new item
      // whose id chains from the expired one, so a retry of that request finds it in turn.
      let id = idFor(principal.tenantId, session.id, principal.userId, key);
      for (let generation = 0; generation < maxKeyGenerations; generation++) {
        const { stored: saved, created } = await services.actionItems.createIfAbsent(newItem(id));
        const age = now.getTime() - Date.parse(saved.doc.createdAt);
        if (created || age < idempotencyWindowMs) {
          return actionItemResponse(services, saved.doc, created ? 201 : 200);
        }
        id = idFor(id, "next");
      }
    }
    const { stored: saved } = await services.actionItems.createIfAbsent(newItem(randomUUID()));
    return actionItemResponse(services, saved.doc, 201);
  },
});
