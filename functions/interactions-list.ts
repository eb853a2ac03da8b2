import { listInteractions } from "../shared/app/interactions.js";
import { idSchema } from "../shared/domain/ids.js";
import { isoDateTime } from "../shared/domain/model.js";
import { booleanString, pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import {
  interactionView,
  interactionViewSchema,
  pageSchema,
} from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

const interactionsQuery = pageQuery.extend({
  agentId: idSchema.optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  evaluated: booleanString.optional(),
});

export const interactionsList = httpFunction({
  name: "interactionsList",
  route: "interactions",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Integration"],
  summary: "Search interactions, newest first",
  tags: ["Interactions"],
  query: interactionsQuery,
  responses: [
    {
      status: 200,
      description: "A page of interactions",
      schema: pageSchema(interactionViewSchema),
    },
  ],
  handler: async ({ principal, services, query }) => {
    const { limit, continuationToken, ...filter } = query;
    const page = await listInteractions(services, principal, filter, { limit, continuationToken });
    return json(200, {
      items: page.items.map(interactionView),
      continuationToken: page.continuationToken,
    });
  },
});
