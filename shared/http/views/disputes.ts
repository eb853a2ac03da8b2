// A dispute as the API shows it: the stored shape (it holds nothing internal), with its session's
// revision as its ETag.
import type { HttpResponseInit } from "@azure/functions";
import { disputeSchema, type Dispute, type SessionDocument } from "../../domain/model.js";
import { json } from "../responses.js";

export const disputeViewSchema = disputeSchema.meta({
  id: "Dispute",
  description: "An agent's challenge of a completed evaluation, question by question.",
});

/** A dispute's ETag is its session's: the dispute lives in the session document. */
export function disputeResponse(
  dispute: Dispute,
  session: Pick<SessionDocument, "revision">,
  status = 200,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return json(status, dispute, { revision: session.revision, headers });
}
