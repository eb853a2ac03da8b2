import { getActionItem } from "../shared/app/action-items.js";
import { actionItemResponse, actionItemViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const actionItemsGet = httpFunction({
  name: "actionItemsGet",
  route: "action-items/{id}",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "Read an action item and its thread",
  tags: ["Action items"],
  responses: [{ status: 200, description: "The action item", schema: actionItemViewSchema }],
  handler: async ({ principal, services, params }) =>
    actionItemResponse(await getActionItem(services, principal, params.id)),
});
