import { getInteraction } from "../shared/app/interactions.js";
import { json } from "../shared/http/responses.js";
import { interactionView, interactionViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const interactionsGet = httpFunction({
  name: "interactionsGet",
  route: "interactions/{id}",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Integration"],
  summary: "Read an interaction",
  tags: ["Interactions"],
  responses: [{ status: 200, description: "The interaction", schema: interactionViewSchema }],
  handler: async ({ principal, services, params }) =>
    json(200, interactionView(await getInteraction(services, principal, params.id))),
});
