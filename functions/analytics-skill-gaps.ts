// GET /api/analytics/skill-gaps: the (agent, question) pairs scoring significantly below the
// other agents, as a page of JSON or, with format=csv, every row as CSV.
import { z } from "zod";
import { readSkillGaps } from "../shared/app/analytics.js";
import { analyticsRoles } from "../shared/domain/access.js";
import { corrections } from "../shared/domain/analytics-reads.js";
import { idSchema } from "../shared/domain/ids.js";
import { pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import {
  skillGapsCsv,
  skillGapsCsvSchema,
  skillGapsSchema,
  windowQuery,
} from "../shared/http/views/analytics.js";
import { httpFunction } from "../shared/registry.js";

const skillGapsQuery = pageQuery.extend({
  ...windowQuery.shape,
  formId: idSchema.optional(),
  minN: z.coerce.number().int().min(1).max(1_000_000_000).default(5),
  alpha: z.coerce.number().gt(0).max(1).default(0.05),
  correction: z.enum(corrections).default("none"),
  format: z.enum(["json", "csv"]).default("json"),
});

export const analyticsSkillGaps = httpFunction({
  name: "analyticsSkillGaps",
  route: "analytics/skill-gaps",
  methods: ["GET"],
  access: analyticsRoles,
  summary: "Skill gaps: agents' questions significantly below the other agents (Welch's t-test)",
  tags: ["Analytics"],
  query: skillGapsQuery,
  responses: [
    { status: 200, description: "A page of skill gaps", schema: skillGapsSchema },
    {
      status: 200,
      description: "With format=csv: every row, no paging",
      schema: skillGapsCsvSchema,
      contentType: "text/csv",
    },
  ],
  handler: async ({ principal, services, query }) => {
    const { limit, continuationToken, format, ...gaps } = query;
    if (format === "csv")
      return skillGapsCsv((await readSkillGaps(services, principal, gaps, "all")).items);
    return json(200, await readSkillGaps(services, principal, gaps, { limit, continuationToken }));
  },
});
