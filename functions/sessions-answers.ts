import { saveAnswers } from "../shared/app/sessions.js";
import { saveAnswersSchema } from "../shared/domain/session.js";
import { sessionResponse, sessionViewSchema } from "../shared/http/views/sessions.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsAnswers = httpFunction({
  name: "sessionsAnswers",
  route: "sessions/{id}/answers",
  methods: ["PUT"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary:
    "Save answers (merge; null clears an answer, a null form clears the form); rescores a Completed session",
  tags: ["Sessions"],
  body: saveAnswersSchema,
  ifMatch: true,
  responses: [{ status: 200, description: "The session", schema: sessionViewSchema }],
  handler: async ({ principal, services, params, body, ifMatch, log }) => {
    const request = { input: body, seen: ifMatch };
    const session = await saveAnswers(services, principal, params.id, request, log);
    return sessionResponse(services, session, principal);
  },
});
