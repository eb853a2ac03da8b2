import { z } from "zod";
import {
  isAdmin,
  isEvaluator,
  sessionSummaryView,
  sessionSummaryViewSchema,
} from "../shared/domain/access.js";
import { idSchema } from "../shared/domain/ids.js";
import { displayStatuses, isoDateTime, sessionTypes } from "../shared/domain/model.js";
import { pageSchema } from "../shared/app/views.js";
import { pageQuery } from "../shared/http/query.js";
import { httpFunction, json } from "../shared/registry.js";

const sessionsQuery = pageQuery.extend({
  status: z.enum(displayStatuses).optional(),
  type: z.enum(sessionTypes).optional(),
  evaluatorId: idSchema.optional(),
  agentId: idSchema.optional(),
  calibrationId: idSchema.optional(),
  archived: z
    .enum(["false", "true", "all"])
    .default("false")
    .transform((v) => (v === "all" ? "all" : v === "true")),
  dueBefore: isoDateTime.optional(),
});

/** How many of an agent's action items are read to find the sessions they link. */
const agentLinkLimit = 200;

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
    const now = services.clock.now();
    let scope: { visibleToEvaluator?: string; ids?: string[] } = {};
    let shownToAgent = new Set<string>();
    if (!isAdmin(principal)) {
      if (isEvaluator(principal)) {
        scope = { visibleToEvaluator: principal.userId };
      } else {
        const items = await services.actionItems.list(
          principal.tenantId,
          { agentId: principal.userId },
          { limit: agentLinkLimit },
        );
        const ids = [...new Set(items.items.map((item) => item.sessionId))];
        if (ids.length === 0) return json(200, { items: [], continuationToken: null });
        shownToAgent = new Set(
          items.items.filter((item) => item.showScore).map((item) => item.sessionId),
        );
        scope = { ids };
      }
    }
    const page = await services.sessions.list(
      principal.tenantId,
      { ...filter, ...scope, now: now.toISOString() },
      { limit, continuationToken },
    );
    const items = page.items.map((summary) =>
      sessionSummaryView(summary, principal, shownToAgent.has(summary.id), now),
    );
    return json(200, { items, continuationToken: page.continuationToken });
  },
});
