import { z } from "zod";
import { evaluatorQualityReport } from "../shared/app/evaluator-quality.js";
import { json } from "../shared/http/responses.js";
import { evaluatorQualityViewSchema } from "../shared/http/views/calibrations.js";
import { httpFunction } from "../shared/registry.js";

/** A date or a timestamp; shared/domain/analytics-window.ts checks that it is a UTC midnight. */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[0-9:.]{5,18}(Z|[+-]\d{2}:\d{2}))?$/);

const windowQuery = z.object({
  from: day.optional().meta({ description: "A UTC midnight (YYYY-MM-DD or 00:00Z), inclusive" }),
  to: day.optional().meta({ description: "A UTC midnight (YYYY-MM-DD or 00:00Z), exclusive" }),
});

export const analyticsEvaluators = httpFunction({
  name: "analyticsEvaluators",
  route: "analytics/evaluators",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Per evaluator: sessions completed and agreement with calibration experts",
  tags: ["Analytics"],
  query: windowQuery,
  responses: [
    { status: 200, description: "Evaluator quality", schema: evaluatorQualityViewSchema },
  ],
  handler: async ({ principal, services, query }) =>
    json(200, await evaluatorQualityReport(services, principal, query)),
});
