import { getDispute } from "../shared/app/disputes.js";
import { disputeResponse, disputeViewSchema } from "../shared/http/views/disputes.js";
import { httpFunction } from "../shared/registry.js";

export const disputesGet = httpFunction({
  name: "disputesGet",
  route: "disputes/{id}",
  methods: ["GET"],
  access: ["QM.Administrator", "QM.Evaluator", "QM.Agent"],
  summary: "Read a dispute (its agent, the session's evaluator, Administrators)",
  tags: ["Disputes"],
  responses: [{ status: 200, description: "The dispute", schema: disputeViewSchema }],
  handler: async ({ principal, services, params }) => {
    const { dispute, session } = await getDispute(services, principal, params.id);
    return disputeResponse(dispute, session);
  },
});
