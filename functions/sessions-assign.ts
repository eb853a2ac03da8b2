import { assignSession } from "../shared/app/sessions.js";
import { assignSchema } from "../shared/domain/session.js";
import { sessionResponse, sessionViewSchema } from "../shared/http/views/sessions.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsAssign = httpFunction({
  name: "sessionsAssign",
  route: "sessions/{id}/assign",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary:
    "Claim an Unassigned session (Evaluator, body {}) or (re)assign it (Administrator, body {evaluatorId})",
  tags: ["Sessions"],
  body: assignSchema,
  ifMatch: true,
  responses: [{ status: 200, description: "The session, now Pending", schema: sessionViewSchema }],
  handler: async ({ principal, services, params, body, ifMatch, log }) => {
    const request = { input: body, seen: ifMatch };
    const session = await assignSession(services, principal, params.id, request, log);
    return sessionResponse(services, session, principal);
  },
});
