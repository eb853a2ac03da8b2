import { respondToActionItem } from "../shared/app/action-items.js";
import { respondSchema } from "../shared/domain/action-items.js";
import { actionItemResponse, actionItemViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const actionItemsResponses = httpFunction({
  name: "actionItemsResponses",
  route: "action-items/{id}/responses",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "Reply on an action item's thread (the agent's reply marks it Responded)",
  tags: ["Action items"],
  body: respondSchema,
  ifMatch: true,
  responses: [
    { status: 201, description: "The action item with the reply", schema: actionItemViewSchema },
  ],
  handler: async ({ principal, services, params, body, ifMatch }) => {
    const request = { input: body, seen: ifMatch };
    return actionItemResponse(
      await respondToActionItem(services, principal, params.id, request),
      201,
    );
  },
});
