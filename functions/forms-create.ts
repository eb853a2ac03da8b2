import { createForm } from "../shared/app/forms.js";
import { formInputSchema } from "../shared/domain/model.js";
import { json } from "../shared/http/responses.js";
import { formView, formViewSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const formsCreate = httpFunction({
  name: "formsCreate",
  route: "forms",
  methods: ["POST"],
  access: ["QM.Administrator"],
  summary: "Create an evaluation form",
  tags: ["Forms"],
  body: formInputSchema,
  responses: [{ status: 201, description: "The form, version 1", schema: formViewSchema }],
  handler: async ({ principal, services, body }) => {
    const form = await createForm(services, principal, body);
    return json(201, formView(form), {
      revision: form.version,
      headers: { Location: `/api/forms/${form.id}` },
    });
  },
});
