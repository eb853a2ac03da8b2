import { updateForm } from "../shared/app/forms.js";
import { formInputSchema } from "../shared/domain/model.js";
import { json } from "../shared/http/responses.js";
import { formView, formViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const formsUpdate = httpFunction({
  name: "formsUpdate",
  route: "forms/{id}",
  methods: ["PUT"],
  access: ["QM.Administrator"],
  summary: "Publish a new version of a form (sessions keep the version they were created with)",
  tags: ["Forms"],
  body: formInputSchema,
  ifMatch: true,
  responses: [{ status: 200, description: "The form, version + 1", schema: formViewSchema }],
  handler: async ({ principal, services, params, body, ifMatch }) => {
    const form = await updateForm(services, principal, params.id, { input: body, seen: ifMatch });
    return json(200, formView(form), { revision: form.version });
  },
});
