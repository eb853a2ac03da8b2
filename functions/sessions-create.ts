import { createSession } from "../shared/app/create-session.js";
import { createSessionSchema } from "../shared/domain/session.js";
import { sessionResponse, sessionViewSchema } from "../shared/http/views/sessions.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsCreate = httpFunction({
  name: "sessionsCreate",
  route: "sessions",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Create an evaluation session (Evaluators: AdHoc sessions for themselves only)",
  tags: ["Sessions"],
  body: createSessionSchema,
  responses: [{ status: 201, description: "The session", schema: sessionViewSchema }],
  handler: async ({ principal, services, body, log }) => {
    const session = await createSession(services, principal, body, log);
    return sessionResponse(services, session, principal, {
      status: 201,
      headers: { Location: `/api/sessions/${session.id}` },
    });
  },
});
