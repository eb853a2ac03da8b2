import { evaluatorQualityReport } from "../shared/app/evaluator-quality.js";
import { analyticsRoles } from "../shared/domain/access.js";
import { json } from "../shared/http/responses.js";
import { windowQuery } from "../shared/http/views/analytics.js";
import { evaluatorQualityViewSchema } from "../shared/http/views/calibrations.js";
import { httpFunction } from "../shared/registry.js";

export const analyticsEvaluators = httpFunction({
  name: "analyticsEvaluators",
  route: "analytics/evaluators",
  methods: ["GET"],
  access: analyticsRoles,
  summary: "Per evaluator: sessions completed and agreement with calibration experts",
  tags: ["Analytics"],
  query: windowQuery,
  responses: [
    { status: 200, description: "Evaluator quality", schema: evaluatorQualityViewSchema },
  ],
  handler: async ({ principal, services, query }) =>
    json(200, await evaluatorQualityReport(services, principal, query)),
});
