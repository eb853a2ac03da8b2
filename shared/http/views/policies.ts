// What Administrators see of policies and of the operations of their runs (docs/api.md
// "Policies"): the stored documents without their storage fields.
import type { HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { operationSchema, type Operation } from "../../domain/operations.js";
import { policySchema, shortfallSchema, type Policy } from "../../domain/policies.js";
import { json } from "../responses.js";

export const policyViewSchema = policySchema
  .omit({ tenantId: true, revision: true })
  .meta({ id: "Policy", description: "An evaluation policy, with its newest run." });
export type PolicyView = z.output<typeof policyViewSchema>;

export function policyView(policy: Policy): PolicyView {
  const { tenantId: _t, revision: _r, ...view } = policy;
  return view;
}

/** The policy, its revision as the ETag. */
export function policyResponse(
  policy: Policy,
  options: { status?: number; headers?: Record<string, string> } = {},
): HttpResponseInit {
  return json(options.status ?? 200, policyView(policy), {
    revision: policy.revision,
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

export const operationViewSchema = operationSchema
  .pick({ id: true, status: true, progress: true, error: true })
  .extend({
    result: z
      .object({ created: z.array(z.string()), shortfall: z.array(shortfallSchema) })
      .optional(),
  })
  .meta({ id: "Operation", description: "A policy run: its progress, then its result." });
export type OperationView = z.output<typeof operationViewSchema>;

/** The result once the run ended; its error when it failed. */
export function operationView(op: Operation): OperationView {
  return {
    id: op.id,
    status: op.status,
    progress: op.progress,
    ...(op.status !== "Running"
      ? { result: { created: op.created, shortfall: op.shortfall } }
      : {}),
    ...(op.error ? { error: op.error } : {}),
  };
}

export const dryRunViewSchema = z
  .object({
    planned: z.array(
      z.object({
        agentId: z.string(),
        interactionId: z.string(),
        evaluatorId: z.string().nullable(),
      }),
    ),
    shortfall: z.array(shortfallSchema),
  })
  .meta({ id: "DryRun", description: "What a run would create from the same state." });
