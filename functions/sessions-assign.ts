import { z } from "zod";
import { isAdmin } from "../shared/domain/access.js";
import { sessionViewSchema } from "../shared/domain/access.js";
import { validationFailed } from "../shared/domain/errors.js";
import { idSchema } from "../shared/domain/ids.js";
import { assign, claim } from "../shared/domain/session.js";
import { commitSession, loadVisibleSession, sessionResponse } from "../shared/app/session-flow.js";
import { assertRevision, requireIfMatch } from "../shared/http/etag.js";
import { httpFunction } from "../shared/registry.js";

const assignSchema = z.object({ evaluatorId: idSchema.optional() }).default({});

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
  handler: async ({ principal, services, params, body, request, context }) => {
    const { stored } = await loadVisibleSession(services, principal, params.id);
    const input = await body();
    if (input.evaluatorId !== undefined && !isAdmin(principal)) {
      throw validationFailed([
        {
          path: "evaluatorId",
          message: "only an Administrator assigns to someone else; send {} to claim",
        },
      ]);
    }
    assertRevision(requireIfMatch(request), stored.doc.revision);
    const now = services.clock.now();
    const next =
      input.evaluatorId !== undefined
        ? assign(stored.doc, principal, input.evaluatorId, now)
        : claim(stored.doc, principal, now);
    const saved = await commitSession(services, stored, next, context);
    return sessionResponse(services, saved.doc, principal);
  },
});
