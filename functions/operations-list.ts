import { listOperations } from "../shared/app/policies.js";
import { idSchema } from "../shared/domain/ids.js";
import { pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import { operationView, operationViewSchema } from "../shared/http/views/policies.js";
import { pageSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const operationsList = httpFunction({
  name: "operationsList",
  route: "operations",
  methods: ["GET"],
  access: ["QM.Administrator"],
  summary: "A policy's runs, newest first",
  tags: ["Policies"],
  query: pageQuery.extend({ policyId: idSchema.optional() }),
  responses: [
    { status: 200, description: "A page of operations", schema: pageSchema(operationViewSchema) },
  ],
  handler: async ({ principal, services, query }) => {
    const { limit, continuationToken, ...filter } = query;
    const page = await listOperations(services, principal, filter, { limit, continuationToken });
    return json(200, {
      items: page.items.map(operationView),
      continuationToken: page.continuationToken,
    });
  },
});
