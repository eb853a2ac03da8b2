import { createPolicy } from "../shared/app/policies.js";
import { policyInputSchema } from "../shared/domain/policies.js";
import { policyResponse, policyViewSchema } from "../shared/http/views/policies.js";
import { httpFunction } from "../shared/registry.js";

export const policiesCreate = httpFunction({
  name: "policiesCreate",
  route: "policies",
  methods: ["POST"],
  access: ["QM.Administrator"],
  summary: "Create an evaluation policy (sessions created by quota)",
  tags: ["Policies"],
  body: policyInputSchema,
  responses: [{ status: 201, description: "The policy", schema: policyViewSchema }],
  handler: async ({ principal, services, body }) => {
    const policy = await createPolicy(services, principal, body);
    return policyResponse(policy, {
      status: 201,
      headers: { Location: `/api/policies/${policy.id}` },
    });
  },
});
