import { sessionVersion } from "../shared/app/history.js";
import { notFound } from "../shared/domain/errors.js";
import { json } from "../shared/http/responses.js";
import { versionViewSchema } from "../shared/http/views/history.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsVersion = httpFunction({
  name: "sessionsVersion",
  route: "sessions/{id}/versions/{n}",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "What the evaluation said at one version (a retracted one included)",
  tags: ["Sessions"],
  responses: [{ status: 200, description: "The version", schema: versionViewSchema }],
  handler: async ({ principal, services, params }) => {
    // A path value that is no version number names no version: 404, like an unknown one.
    if (!/^[1-9]\d{0,8}$/.test(params.n)) throw notFound("The version");
    return json(200, await sessionVersion(services, principal, params.id, Number(params.n)));
  },
});
