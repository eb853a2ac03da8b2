import { actionItemResponse, loadVisibleActionItem } from "../shared/app/action-item-flow.js";
import { actionItemViewSchema } from "../shared/app/views.js";
import { httpFunction } from "../shared/registry.js";

export const actionItemsGet = httpFunction({
  name: "actionItemsGet",
  route: "action-items/{id}",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "Read an action item and its thread",
  tags: ["Action items"],
  responses: [{ status: 200, description: "The action item", schema: actionItemViewSchema }],
  handler: async ({ principal, services, params }) => {
    const stored = await loadVisibleActionItem(services, principal, params.id);
    return actionItemResponse(services, stored.doc);
  },
});
