import { z } from "zod";
import { listDisputes } from "../shared/app/disputes.js";
import { idSchema } from "../shared/domain/ids.js";
import { disputeStatuses } from "../shared/domain/model.js";
import { pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import { disputeViewSchema } from "../shared/http/views/disputes.js";
import { pageSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

const disputesQuery = pageQuery.extend({
  status: z.enum(disputeStatuses).optional(),
  sessionId: idSchema.optional(),
  agentId: idSchema.optional(),
  evaluatorId: idSchema.optional(),
});

export const disputesList = httpFunction({
  name: "disputesList",
  route: "disputes",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary:
    "Disputes, newest first (Agent: own; Evaluator: on sessions it evaluates; Admin: all); may lag by seconds",
  tags: ["Disputes"],
  query: disputesQuery,
  responses: [
    { status: 200, description: "A page of disputes", schema: pageSchema(disputeViewSchema) },
  ],
  handler: async ({ principal, services, query }) => {
    const { limit, continuationToken, ...filter } = query;
    return json(200, await listDisputes(services, principal, filter, { limit, continuationToken }));
  },
});
