import { sessionViewSchema } from "../shared/domain/access.js";
import { loadVisibleSession, sessionResponse } from "../shared/app/session-flow.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsGet = httpFunction({
  name: "sessionsGet",
  route: "sessions/{id}",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "Read a session (an agent's view hides scores unless an action item shows them)",
  tags: ["Sessions"],
  responses: [{ status: 200, description: "The session", schema: sessionViewSchema }],
  handler: async ({ principal, services, params }) => {
    const { stored, showScoreToAgent } = await loadVisibleSession(services, principal, params.id);
    return sessionResponse(services, stored.doc, principal, showScoreToAgent);
  },
});
