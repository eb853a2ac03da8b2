import { sessionHistory } from "../shared/app/history.js";
import { pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import { historyEntryViewSchema } from "../shared/http/views/history.js";
import { pageSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsHistory = httpFunction({
  name: "sessionsHistory",
  route: "sessions/{id}/history",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "A session's history, newest first (Administrators and the session's evaluator)",
  tags: ["Sessions"],
  query: pageQuery,
  responses: [
    { status: 200, description: "A page of entries", schema: pageSchema(historyEntryViewSchema) },
  ],
  handler: async ({ principal, services, params, query }) =>
    json(200, await sessionHistory(services, principal, params.id, query)),
});
