import { getPolicy } from "../shared/app/policies.js";
import { policyResponse, policyViewSchema } from "../shared/http/views/policies.js";
import { httpFunction } from "../shared/registry.js";

export const policiesGet = httpFunction({
  name: "policiesGet",
  route: "policies/{id}",
  methods: ["GET"],
  access: ["QM.Administrator"],
  summary: "Read a policy, with its newest run",
  tags: ["Policies"],
  responses: [{ status: 200, description: "The policy", schema: policyViewSchema }],
  handler: async ({ principal, services, params }) =>
    policyResponse(await getPolicy(services, principal, params.id)),
});
