import { listForms } from "../shared/app/forms.js";
import { pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import { formView, formViewSchema, pageSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

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
    const page = await listForms(services, principal, query);
    return json(200, {
      items: page.items.map(formView),
      continuationToken: page.continuationToken,
    });
  },
});
