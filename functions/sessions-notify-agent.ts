import { notifyAgent } from "../shared/app/sessions.js";
import { notifyAgentInputSchema } from "../shared/domain/events.js";
import { actionItemResponse, actionItemViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsNotifyAgent = httpFunction({
  name: "sessionsNotifyAgent",
  route: "sessions/{id}/notify-agent",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Send the agent an Evaluator Message action item about this session (any status)",
  tags: ["Action items"],
  body: notifyAgentInputSchema,
  responses: [
    { status: 201, description: "The action item", schema: actionItemViewSchema },
    {
      status: 200,
      description: "A retry with the same Idempotency-Key: the item it created",
      schema: actionItemViewSchema,
    },
  ],
  handler: async ({ principal, services, params, body, request }) => {
    const key = request.headers.get("idempotency-key")?.trim() || undefined;
    const { read, created } = await notifyAgent(services, principal, params.id, body, key);
    return actionItemResponse(read, created ? 201 : 200);
  },
});
