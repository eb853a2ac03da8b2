// GET /api/analytics/agents/{agentId}: one agent's sessions, scores and autofails in a window,
// and each question it was scored on against every other agent's scores.
import { readAgentProfile } from "../shared/app/analytics.js";
import { analyticsRoles } from "../shared/domain/access.js";
import { idSchema } from "../shared/domain/ids.js";
import { json } from "../shared/http/responses.js";
import { agentProfileSchema, windowQuery } from "../shared/http/views/analytics.js";
import { httpFunction } from "../shared/registry.js";

export const analyticsAgent = httpFunction({
  name: "analyticsAgent",
  route: "analytics/agents/{agentId}",
  methods: ["GET"],
  access: analyticsRoles,
  summary: "An agent's profile: scores, autofails and question gaps against the other agents",
  tags: ["Analytics"],
  query: windowQuery.extend({ formId: idSchema.optional() }),
  responses: [{ status: 200, description: "The agent's profile", schema: agentProfileSchema }],
  handler: async ({ principal, services, params, query }) =>
    json(200, await readAgentProfile(services, principal, params.agentId, query)),
});
