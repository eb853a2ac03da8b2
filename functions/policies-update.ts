import { updatePolicy } from "../shared/app/policies.js";
import { policyInputSchema } from "../shared/domain/policies.js";
import { policyResponse, policyViewSchema } from "../shared/http/views/policies.js";
import { httpFunction } from "../shared/registry.js";

export const policiesUpdate = httpFunction({
  name: "policiesUpdate",
  route: "policies/{id}",
  methods: ["PUT"],
  access: ["QM.Administrator"],
  summary: "Replace a policy (sessions already created keep theirs)",
  tags: ["Policies"],
  body: policyInputSchema,
  ifMatch: true,
  responses: [{ status: 200, description: "The policy", schema: policyViewSchema }],
  handler: async ({ principal, services, params, body, ifMatch }) =>
    policyResponse(
      await updatePolicy(services, principal, params.id, { input: body, seen: ifMatch }),
    ),
});
