import { z } from "zod";
import { listActionItems } from "../shared/app/action-items.js";
import { actionItemStatuses } from "../shared/domain/model.js";
import { pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import {
  actionItemView,
  actionItemViewSchema,
  pageSchema,
} from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

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
    const page = await listActionItems(services, principal, status, { limit, continuationToken });
    return json(200, {
      items: page.items.map((read) => actionItemView(read.item, read.score)),
      continuationToken: page.continuationToken,
    });
  },
});
