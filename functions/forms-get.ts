import { notFound } from "../shared/domain/errors.js";
import { formView, formViewSchema } from "../shared/app/views.js";
import { etagOf } from "../shared/http/etag.js";
import { httpFunction, json } from "../shared/registry.js";

export const formsGet = httpFunction({
  name: "formsGet",
  route: "forms/{formId}",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Read a form (its current version)",
  tags: ["Forms"],
  responses: [{ status: 200, description: "The form", schema: formViewSchema }],
  handler: async ({ principal, services, params }) => {
    const stored = await services.forms.get(principal.tenantId, params.formId);
    if (!stored) throw notFound("The form");
    return json(200, formView(stored.doc), { etag: etagOf(stored.doc.version) });
  },
});
