import { raiseDispute } from "../shared/app/disputes.js";
import { raiseDisputeSchema } from "../shared/domain/disputes.js";
import { disputeResponse, disputeViewSchema } from "../shared/http/views/disputes.js";
import { httpFunction } from "../shared/registry.js";

export const sessionsDisputes = httpFunction({
  name: "sessionsDisputes",
  route: "sessions/{id}/disputes",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Agent"],
  summary:
    "Dispute questions of a completed evaluation (its agent, once shown the scores, or an Administrator)",
  tags: ["Disputes"],
  body: raiseDisputeSchema,
  ifMatch: true,
  responses: [{ status: 201, description: "The dispute, Open", schema: disputeViewSchema }],
  handler: async ({ principal, services, params, body, ifMatch, log }) => {
    const request = { input: body, seen: ifMatch };
    const { dispute, session } = await raiseDispute(services, principal, params.id, request, log);
    return disputeResponse(dispute, session, 201, { Location: `/api/disputes/${dispute.id}` });
  },
});
