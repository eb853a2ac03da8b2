import { setDefaultScores } from "../shared/app/sessions.js";
import { defaultScoresSchema } from "../shared/domain/session.js";
import { sessionResponse, sessionViewSchema } from "../shared/http/views/sessions.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsDefaultScores = httpFunction({
  name: "sessionsDefaultScores",
  route: "sessions/{id}/default-scores",
  methods: ["PUT"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: 'Turn "Default scores to 100%" on or off; either way every answer is cleared first',
  tags: ["Sessions"],
  body: defaultScoresSchema,
  ifMatch: true,
  responses: [{ status: 200, description: "The session", schema: sessionViewSchema }],
  handler: async ({ principal, services, params, body, ifMatch, log }) => {
    const request = { input: body, seen: ifMatch };
    const session = await setDefaultScores(services, principal, params.id, request, log);
    return sessionResponse(services, session, principal);
  },
});
