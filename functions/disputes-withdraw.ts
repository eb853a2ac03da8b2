import { withdrawDispute } from "../shared/app/disputes.js";
import { disputeResponse, disputeViewSchema } from "../shared/http/views/disputes.js";
import { httpFunction } from "../shared/registry.js";

export const disputesWithdraw = httpFunction({
  name: "disputesWithdraw",
  route: "disputes/{id}/withdraw",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Agent"],
  summary: "Withdraw an open dispute (its agent or an Administrator)",
  tags: ["Disputes"],
  ifMatch: true,
  responses: [{ status: 200, description: "The dispute, Withdrawn", schema: disputeViewSchema }],
  handler: async ({ principal, services, params, body, ifMatch, log }) => {
    const request = { input: body, seen: ifMatch };
    const { dispute, session } = await withdrawDispute(
      services,
      principal,
      params.id,
      request,
      log,
    );
    return disputeResponse(dispute, session);
  },
});
