import { z } from "zod";
import { resolveDispute } from "../shared/app/disputes.js";
import { resolveDisputeSchema } from "../shared/domain/disputes.js";
import { json } from "../shared/http/responses.js";
import { disputeViewSchema } from "../shared/http/views/disputes.js";
import { sessionView, sessionViewSchema, viewContext } from "../shared/http/views/sessions.js";
import { httpFunction } from "../shared/registry.js";

export const disputesResolve = httpFunction({
  name: "disputesResolve",
  route: "disputes/{id}/resolve",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Decide every item of a dispute; accepted answers become the session's next version",
  tags: ["Disputes"],
  body: resolveDisputeSchema,
  ifMatch: true,
  responses: [
    {
      status: 200,
      description: "The resolved dispute and its session",
      schema: z.object({ dispute: disputeViewSchema, session: sessionViewSchema }),
    },
  ],
  handler: async ({ principal, services, params, body, ifMatch, log }) => {
    const request = { input: body, seen: ifMatch };
    const { dispute, session } = await resolveDispute(services, principal, params.id, request, log);
    const view = sessionView(session, principal, false, viewContext(services));
    return json(200, { dispute, session: view }, { revision: session.revision });
  },
});
