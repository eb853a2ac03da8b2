import { close } from "../shared/domain/action-items.js";
import { actionItemResponse, loadVisibleActionItem } from "../shared/app/action-item-flow.js";
import { actionItemViewSchema } from "../shared/app/views.js";
import { assertRevision, requireIfMatch } from "../shared/http/etag.js";
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
  handler: async ({ principal, services, params, request }) => {
    const stored = await loadVisibleActionItem(services, principal, params.id);
    assertRevision(requireIfMatch(request), stored.doc.revision);
    const saved = await services.actionItems.replace(close(stored.doc), stored.etag);
    return actionItemResponse(services, saved.doc);
  },
});
