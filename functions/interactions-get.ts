import { notFound } from "../shared/domain/errors.js";
import { interactionView, interactionViewSchema } from "../shared/app/views.js";
import { httpFunction, json } from "../shared/registry.js";

export const interactionsGet = httpFunction({
  name: "interactionsGet",
  route: "interactions/{id}",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Integration"],
  summary: "Read an interaction",
  tags: ["Interactions"],
  responses: [{ status: 200, description: "The interaction", schema: interactionViewSchema }],
  handler: async ({ principal, services, params }) => {
    const interaction = await services.interactions.get(principal.tenantId, params.id);
    if (!interaction) throw notFound("The interaction");
    return json(200, interactionView(interaction));
  },
});
