import { getSession } from "../shared/app/sessions.js";
import { sessionResponse, sessionViewSchema } from "../shared/http/views/sessions.js";
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
    const { session, showScoreToAgent } = await getSession(services, principal, params.id);
    return sessionResponse(services, session, principal, { showScoreToAgent });
  },
});
