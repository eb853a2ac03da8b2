import { listPolicies } from "../shared/app/policies.js";
import { pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import { policyView, policyViewSchema } from "../shared/http/views/policies.js";
import { pageSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const policiesList = httpFunction({
  name: "policiesList",
  route: "policies",
  methods: ["GET"],
  access: ["QM.Administrator"],
  summary: "List the tenant's policies by name",
  tags: ["Policies"],
  query: pageQuery,
  responses: [
    { status: 200, description: "A page of policies", schema: pageSchema(policyViewSchema) },
  ],
  handler: async ({ principal, services, query }) => {
    const page = await listPolicies(services, principal, query);
    return json(200, {
      items: page.items.map(policyView),
      continuationToken: page.continuationToken,
    });
  },
});
