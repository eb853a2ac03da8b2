import { randomUUID } from "node:crypto";
import { validationFailed } from "../shared/domain/errors.js";
import { validateFormInput } from "../shared/domain/forms.js";
import { formInputSchema, type Form } from "../shared/domain/model.js";
import { formView, formViewSchema } from "../shared/app/views.js";
import { etagOf } from "../shared/http/etag.js";
import { httpFunction, json } from "../shared/registry.js";

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
    const input = await body();
    const errors = validateFormInput(input);
    if (errors.length > 0) throw validationFailed(errors, "The form definition is not valid.");
    const now = services.clock.now().toISOString();
    const form: Form = {
      ...input,
      id: randomUUID(),
      tenantId: principal.tenantId,
      version: 1,
      createdAt: now,
      createdBy: principal.userId,
      updatedAt: now,
      updatedBy: principal.userId,
    };
    const stored = await services.forms.create(form);
    return json(201, formView(stored.doc), {
      etag: etagOf(stored.doc.version),
      headers: { Location: `/api/forms/${form.id}` },
    });
  },
});
