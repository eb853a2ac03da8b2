import { z } from "zod";
import { isAdmin, isAgent, isEvaluator } from "../shared/domain/access.js";
import { actionItemStatuses } from "../shared/domain/model.js";
import { viewWithScore } from "../shared/app/action-item-flow.js";
import { actionItemViewSchema, pageSchema } from "../shared/app/views.js";
import { pageQuery } from "../shared/http/query.js";
import type { ActionItemFilter } from "../shared/ports.js";
import { httpFunction, json } from "../shared/registry.js";

export const actionItemsList = httpFunction({
  name: "actionItemsList",
  route: "action-items",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "Action items, newest first (Agent: own; Evaluator: those they created; Admin: all)",
  tags: ["Action items"],
  query: pageQuery.extend({ status: z.enum(actionItemStatuses).optional() }),
  responses: [
    {
      status: 200,
      description: "A page of action items",
      schema: pageSchema(actionItemViewSchema),
    },
  ],
  handler: async ({ principal, services, query }) => {
    const { limit, continuationToken, status } = query;
    let scope: ActionItemFilter = {};
    if (!isAdmin(principal)) {
      // Someone both Evaluator and Agent sees what they sent; agents see what they received.
      scope = isEvaluator(principal)
        ? { evaluatorId: principal.userId }
        : isAgent(principal)
          ? { agentId: principal.userId }
          : {};
    }
    const page = await services.actionItems.list(
      principal.tenantId,
      { ...scope, status },
      { limit, continuationToken },
    );
    const items = await Promise.all(page.items.map((item) => viewWithScore(services, item)));
    return json(200, { items, continuationToken: page.continuationToken });
  },
});
