import { z } from "zod";
import { sessionVersions } from "../shared/app/history.js";
import { json } from "../shared/http/responses.js";
import { versionSummary, versionSummaryViewSchema } from "../shared/http/views/history.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsVersions = httpFunction({
  name: "sessionsVersions",
  route: "sessions/{id}/versions",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "The versions of a completed session, newest first",
  tags: ["Sessions"],
  responses: [
    {
      status: 200,
      description: "Every version",
      schema: z.object({ items: z.array(versionSummaryViewSchema) }),
    },
  ],
  handler: async ({ principal, services, params }) => {
    const versions = await sessionVersions(services, principal, params.id);
    return json(200, { items: versions.map(versionSummary) });
  },
});
