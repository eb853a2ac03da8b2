import { formView, formViewSchema, pageSchema } from "../shared/app/views.js";
import { pageQuery } from "../shared/http/query.js";
import { httpFunction, json } from "../shared/registry.js";

export const formsList = httpFunction({
  name: "formsList",
  route: "forms",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "List the tenant's forms by name",
  tags: ["Forms"],
  query: pageQuery,
  responses: [{ status: 200, description: "A page of forms", schema: pageSchema(formViewSchema) }],
  handler: async ({ principal, services, query }) => {
    const page = await services.forms.list(principal.tenantId, query);
    return json(200, {
      items: page.items.map(formView),
      continuationToken: page.continuationToken,
    });
  },
});
