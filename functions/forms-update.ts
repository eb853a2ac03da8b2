import { notFound, validationFailed } from "../shared/domain/errors.js";
import { validateFormInput } from "../shared/domain/forms.js";
import { formInputSchema } from "../shared/domain/model.js";
import { formView, formViewSchema } from "../shared/app/views.js";
import { assertRevision, etagOf, requireIfMatch } from "../shared/http/etag.js";
import { httpFunction, json } from "../shared/registry.js";

export const formsUpdate = httpFunction({
  name: "formsUpdate",
  route: "forms/{formId}",
  methods: ["PUT"],
  access: ["QM.Administrator"],
  summary: "Publish a new version of a form (sessions keep the version they were created with)",
  tags: ["Forms"],
  body: formInputSchema,
  ifMatch: true,
  responses: [{ status: 200, description: "The form, version + 1", schema: formViewSchema }],
  handler: async ({ principal, services, params, body, request }) => {
    const stored = await services.forms.get(principal.tenantId, params.formId);
    if (!stored) throw notFound("The form");
    const input = await body();
    const errors = validateFormInput(input);
    if (errors.length > 0) throw validationFailed(errors, "The form definition is not valid.");
    assertRevision(requireIfMatch(request), stored.doc.version);
    const saved = await services.forms.replace(
      {
        ...stored.doc,
        ...input,
        version: stored.doc.version + 1,
        updatedAt: services.clock.now().toISOString(),
        updatedBy: principal.userId,
      },
      stored.etag,
    );
    return json(200, formView(saved.doc), { etag: etagOf(saved.doc.version) });
  },
});
