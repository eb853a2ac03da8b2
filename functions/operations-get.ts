import { getOperation } from "../shared/app/policies.js";
import { json } from "../shared/http/responses.js";
import { operationView, operationViewSchema } from "../shared/http/views/policies.js";
import { httpFunction } from "../shared/registry.js";

export const operationsGet = httpFunction({
  name: "operationsGet",
  route: "operations/{id}",
  methods: ["GET"],
  access: ["QM.Administrator"],
  summary: "Read a policy run's progress and result",
  tags: ["Policies"],
  responses: [{ status: 200, description: "The operation", schema: operationViewSchema }],
  handler: async ({ principal, services, params }) =>
    json(200, operationView(await getOperation(services, principal, params.id))),
});
