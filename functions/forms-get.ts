import { getForm } from "../shared/app/forms.js";
import { json } from "../shared/http/responses.js";
import { formView, formViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const formsGet = httpFunction({
  name: "formsGet",
  route: "forms/{id}",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Read a form (its current version)",
  tags: ["Forms"],
  responses: [{ status: 200, description: "The form", schema: formViewSchema }],
  handler: async ({ principal, services, params }) => {
    const form = await getForm(services, principal, params.id);
    return json(200, formView(form), { revision: form.version });
  },
});
