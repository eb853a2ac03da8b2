import { replaceSessionInteraction } from "../shared/app/sessions.js";
import { replaceInteractionSchema } from "../shared/domain/session.js";
import { sessionResponse, sessionViewSchema } from "../shared/http/views/sessions.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsReplaceInteraction = httpFunction({
  name: "sessionsReplaceInteraction",
  route: "sessions/{id}/replace-interaction",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Replace the interaction of a criteria or policy session; resets every answer",
  tags: ["Sessions"],
  body: replaceInteractionSchema,
  ifMatch: true,
  responses: [
    { status: 200, description: "The session with its new interaction", schema: sessionViewSchema },
  ],
  handler: async ({ principal, services, params, body, ifMatch, log }) => {
    const request = { input: body, seen: ifMatch };
    const session = await replaceSessionInteraction(services, principal, params.id, request, log);
    return sessionResponse(services, session, principal);
  },
});
