import { z } from "zod";
import { listSessions } from "../shared/app/sessions.js";
import { idSchema } from "../shared/domain/ids.js";
import { displayStatuses, isoDateTime, sessionTypes } from "../shared/domain/model.js";
import { pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import { pageSchema } from "../shared/http/views/resources.js";
import { sessionSummaryView, sessionSummaryViewSchema } from "../shared/http/views/sessions.js";
import { httpFunction } from "../shared/registry.js";

const sessionsQuery = pageQuery.extend({
  status: z.enum(displayStatuses).optional(),
  type: z.enum(sessionTypes).optional(),
  evaluatorId: idSchema.optional(),
  agentId: idSchema.optional(),
  calibrationId: idSchema.optional(),
  policyId: idSchema.optional(),
  archived: z
    .enum(["false", "true", "all"])
    .default("false")
    .transform((v) => (v === "all" ? "all" : v === "true")),
  dueBefore: isoDateTime.optional(),
});

export const sessionsList = httpFunction({
  name: "sessionsList",
  route: "sessions",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary:
    "The sessions grid: Admin all, Evaluator own + Unassigned, Agent those its action items link",
  tags: ["Sessions"],
  query: sessionsQuery,
  responses: [
    {
      status: 200,
      description: "A page of session summaries",
      schema: pageSchema(sessionSummaryViewSchema),
    },
  ],
  handler: async ({ principal, services, query }) => {
    const { limit, continuationToken, ...filter } = query;
    const page = await listSessions(services, principal, filter, { limit, continuationToken });
    const now = services.clock.now();
    return json(200, {
      items: page.items.map((row) =>
        sessionSummaryView(row.summary, principal, row.showScoreToAgent, now),
      ),
      continuationToken: page.continuationToken,
    });
  },
});
