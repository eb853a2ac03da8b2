import { z } from "zod";
import { sessionForViewer, sessionViewSchema } from "../shared/domain/access.js";
import { isoDateTime } from "../shared/domain/model.js";
import { complete } from "../shared/domain/session.js";
import { commitSession, loadVisibleSession, requireWorker } from "../shared/app/session-flow.js";
import { assertRevision, etagOf, requireIfMatch } from "../shared/http/etag.js";
import { httpFunction, json } from "../shared/registry.js";

export const notifyAgentSchema = z.object({
  dueDate: isoDateTime,
  summary: z.string().trim().min(1).max(4000),
  showScore: z.boolean(),
});

const completeSchema = z.object({ notifyAgent: notifyAgentSchema.optional() }).default({});

export const sessionsComplete = httpFunction({
  name: "sessionsComplete",
  route: "sessions/{id}/complete",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary:
    "Complete a session (the assignee); tags the interaction Evaluated and optionally notifies the agent",
  tags: ["Sessions"],
  body: completeSchema,
  ifMatch: true,
  responses: [
    {
      status: 200,
      description: "The completed session",
      schema: z.object({ session: sessionViewSchema, exports: z.array(z.unknown()) }),
    },
  ],
  handler: async ({ principal, services, params, body, request, context }) => {
    const { stored } = await loadVisibleSession(services, principal, params.id);
    requireWorker(stored.doc, principal, "assignee");
    const input = await body();
    assertRevision(requireIfMatch(request), stored.doc.revision);
    const next = complete(stored.doc, principal, input.notifyAgent, services.clock.now());
    const saved = await commitSession(services, stored, next, context);
    const session = sessionForViewer(saved.doc, principal, false, services.clock.now());
    return json(200, { session, exports: [] }, { etag: etagOf(saved.doc.revision) });
  },
});
