import { closeActionItem } from "../shared/app/action-items.js";
import { actionItemResponse, actionItemViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const actionItemsClose = httpFunction({
  name: "actionItemsClose",
  route: "action-items/{id}/close",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "Close an action item",
  tags: ["Action items"],
  ifMatch: true,
  responses: [{ status: 200, description: "The closed action item", schema: actionItemViewSchema }],
  handler: async ({ principal, services, params, body, ifMatch }) =>
    actionItemResponse(
      await closeActionItem(services, principal, params.id, { input: body, seen: ifMatch }),
    ),
});
