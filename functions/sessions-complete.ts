import { z } from "zod";
import { completeSession } from "../shared/app/sessions.js";
import { exportFormatSchema } from "../shared/domain/exports.js";
import { completeSchema } from "../shared/domain/session.js";
import { json } from "../shared/http/responses.js";
import { exportViewSchema } from "../shared/http/views/resources.js";
import { sessionView, sessionViewSchema, viewContext } from "../shared/http/views/sessions.js";
import { httpFunction } from "../shared/registry.js";

const failedExportSchema = z
  .object({
    format: exportFormatSchema,
    error: z.object({ code: z.string(), detail: z.string() }),
  })
  .meta({ id: "FailedExport" });

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
      schema: z.object({
        session: sessionViewSchema,
        exports: z.array(z.union([exportViewSchema, failedExportSchema])),
      }),
    },
  ],
  handler: async ({ principal, services, params, body, ifMatch, log }) => {
    const request = { input: body, seen: ifMatch };
    const done = await completeSession(services, principal, params.id, request, log);
    const session = sessionView(done.session, principal, false, viewContext(services));
    return json(200, { session, exports: done.exports }, { revision: done.session.revision });
  },
});
