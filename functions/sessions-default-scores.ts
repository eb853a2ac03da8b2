import { z } from "zod";
import { sessionViewSchema } from "../shared/domain/access.js";
import { AppError } from "../shared/domain/errors.js";
import { setDefaultScores } from "../shared/domain/session.js";
import {
  commitSession,
  loadVisibleSession,
  requireWorker,
  sessionResponse,
} from "../shared/app/session-flow.js";
import { assertRevision, requireIfMatch } from "../shared/http/etag.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsDefaultScores = httpFunction({
  name: "sessionsDefaultScores",
  route: "sessions/{id}/default-scores",
  methods: ["PUT"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: 'Turn "Default scores to 100%" on or off; either way every answer is cleared first',
  tags: ["Sessions"],
  body: z.object({ enabled: z.boolean() }),
  ifMatch: true,
  responses: [{ status: 200, description: "The session", schema: sessionViewSchema }],
  handler: async ({ principal, services, params, body, request, context }) => {
    const { stored } = await loadVisibleSession(services, principal, params.id);
    if (!services.config.FEATURE_DEFAULT_SCORES) {
      throw new AppError(
        "FEATURE_DISABLED",
        '"Default scores to 100%" is not enabled in this deployment.',
      );
    }
    requireWorker(stored.doc, principal, "assignee");
    const input = await body();
    assertRevision(requireIfMatch(request), stored.doc.revision);
    const next = setDefaultScores(stored.doc, principal, input.enabled, services.clock.now());
    const saved = await commitSession(services, stored, next, context);
    return sessionResponse(services, saved.doc, principal);
  },
});
