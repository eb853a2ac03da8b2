// GET /api/analytics/trend: sessions and their mean score per day, week or month, for one
// agent or all, for the sessions as a whole or one form.
import { z } from "zod";
import { readTrend } from "../shared/app/analytics.js";
import { analyticsRoles } from "../shared/domain/access.js";
import { idSchema } from "../shared/domain/ids.js";
import { periodKinds } from "../shared/domain/periods.js";
import { json } from "../shared/http/responses.js";
import { trendSchema, windowQuery } from "../shared/http/views/analytics.js";
import { httpFunction } from "../shared/registry.js";

export const analyticsTrend = httpFunction({
  name: "analyticsTrend",
  route: "analytics/trend",
  methods: ["GET"],
  access: analyticsRoles,
  summary: "Sessions and mean score per UTC day, week (from Monday) or month",
  tags: ["Analytics"],
  query: windowQuery.extend({
    agentId: idSchema.optional(),
    formId: idSchema.optional(),
    granularity: z.enum(periodKinds).default("day"),
  }),
  responses: [{ status: 200, description: "The trend", schema: trendSchema }],
  handler: async ({ principal, services, query }) =>
    json(200, await readTrend(services, principal, query)),
});
