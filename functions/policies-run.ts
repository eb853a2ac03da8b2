import { z } from "zod";
import { runPolicy } from "../shared/app/policies.js";
import { runRequestSchema } from "../shared/domain/policies.js";
import { json } from "../shared/http/responses.js";
import { dryRunViewSchema } from "../shared/http/views/policies.js";
import { httpFunction } from "../shared/registry.js";

export const policiesRun = httpFunction({
  name: "policiesRun",
  route: "policies/{id}/run",
  methods: ["POST"],
  access: ["QM.Administrator"],
  summary: "Run a policy for a period (a dry run writes nothing)",
  tags: ["Policies"],
  body: runRequestSchema,
  responses: [
    { status: 200, description: "The dry run's plan", schema: dryRunViewSchema },
    {
      status: 202,
      description: "The run started; follow Location",
      schema: z.object({ operationId: z.string() }),
    },
  ],
  handler: async ({ principal, services, params, body, log }) => {
    const outcome = await runPolicy(services, principal, params.id, body, log);
    if (outcome.dryRun) return json(200, outcome.result);
    return json(
      202,
      { operationId: outcome.operationId },
      { headers: { Location: `/api/operations/${outcome.operationId}` } },
    );
  },
});
