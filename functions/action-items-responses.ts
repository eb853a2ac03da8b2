import { z } from "zod";
import { respond } from "../shared/domain/action-items.js";
import { actionItemResponse, loadVisibleActionItem } from "../shared/app/action-item-flow.js";
import { actionItemViewSchema } from "../shared/app/views.js";
import { assertRevision, requireIfMatch } from "../shared/http/etag.js";
import { httpFunction } from "../shared/registry.js";

export const actionItemsResponses = httpFunction({
  name: "actionItemsResponses",
  route: "action-items/{id}/responses",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "Reply on an action item's thread (the agent's reply marks it Responded)",
  tags: ["Action items"],
  body: z.object({ message: z.string().trim().min(1).max(4000) }),
  ifMatch: true,
  responses: [
    { status: 201, description: "The action item with the reply", schema: actionItemViewSchema },
  ],
  handler: async ({ principal, services, params, body, request }) => {
    const stored = await loadVisibleActionItem(services, principal, params.id);
    const { message } = await body();
    assertRevision(requireIfMatch(request), stored.doc.revision);
    const next = respond(stored.doc, principal, message, services.clock.now());
    const saved = await services.actionItems.replace(next, stored.etag);
    return actionItemResponse(services, saved.doc, 201);
  },
});
