// The policy use cases (docs/api.md "Policies"): Administrators' only (the registry checks the
// role). A run is a dry run answered at once, or an operation answered 202 and run in the
// background (shared/app/policy-runs.ts).
import { randomUUID } from "node:crypto";
import type { Actor } from "../domain/access.js";
import { notFound } from "../domain/errors.js";
import { lastRunOf, newRunOperation, type Operation } from "../domain/operations.js";
import {
  newPolicy,
  planRun,
  policyRules,
  revisePolicy,
  type Policy,
  type PolicyInput,
  type RunRequest,
} from "../domain/policies.js";
import { periodOf } from "../domain/periods.js";
import { inputOf, type ChangeRequest, type Parsed } from "../domain/requests.js";
import type { Logger, Page, PageRequest, Stored } from "../ports.js";
import type { Services } from "../services.js";
import { writeJudgedAgain } from "./conditional-writes.js";
import { formsOf } from "./create-session.js";
import { continueRun, plannedPicks, readPeriodState, recordLastRun } from "./policy-runs.js";

/** 404 unless the caller's tenant has the policy. */
async function loadPolicy(services: Services, actor: Actor, id: string): Promise<Stored<Policy>> {
  const stored = await services.policies.get(actor.tenantId, id);
  if (!stored) throw notFound("The policy");
  return stored;
}

/** The body's rules (400), then its forms, which must exist (400 naming each one that does not). */
async function acceptedInput(
  services: Services,
  actor: Actor,
  input: Parsed<PolicyInput>,
): Promise<PolicyInput> {
  const accepted = inputOf(input, policyRules, "The policy is not valid.");
  await formsOf(services, actor.tenantId, accepted.formIds);
  return accepted;
}

export async function createPolicy(
  services: Services,
  actor: Actor,
  input: Parsed<PolicyInput>,
): Promise<Policy> {
  const accepted = await acceptedInput(services, actor, input);
  const policy = newPolicy(actor, accepted, randomUUID(), services.clock.now());
  return (await services.policies.create(policy)).doc;
}

export async function getPolicy(services: Services, actor: Actor, id: string): Promise<Policy> {
  return (await loadPolicy(services, actor, id)).doc;
}

export function listPolicies(
  services: Services,
  actor: Actor,
  page: PageRequest,
): Promise<Page<Policy>> {
  return services.policies.list(actor.tenantId, page);
}

export async function updatePolicy(
  services: Services,
  actor: Actor,
  id: string,
  request: ChangeRequest<PolicyInput>,
): Promise<Policy> {
  const stored = await loadPolicy(services, actor, id);
  const input = await acceptedInput(services, actor, request.input);
  const saved = await writeJudgedAgain(services.policies, stored, (doc) =>
    revisePolicy(doc, actor, input, request.seen, services.clock.now()),
  );
  return saved.doc;
}

export type RunOutcome =
  | { dryRun: true; result: ReturnType<typeof plannedPicks> }
  | { dryRun: false; operationId: string };

/**
 * Runs the policy for the period containing `periodStart` (default now): a dry run answers what
 * a run would create from the same state and writes nothing; a run starts an operation.
 */
export async function runPolicy(
  services: Services,
  actor: Actor,
  id: string,
  input: Parsed<RunRequest>,
  log: Logger,
): Promise<RunOutcome> {
  const { doc: policy } = await loadPolicy(services, actor, id);
  const request = inputOf(input);
  const now = services.clock.now();
  const at = request.periodStart ?? now.toISOString();
  if (request.dryRun) {
    const state = await readPeriodState(
      services,
      policy,
      periodOf(new Date(at), policy.quota.period),
    );
    return { dryRun: true, result: plannedPicks(planRun(policy, state)) };
  }
  const op = newRunOperation(randomUUID(), actor.tenantId, policy.id, at, actor.userId, now);
  const { stored } = await services.operations.createIfAbsent(op);
  await recordLastRun(services, actor.tenantId, policy.id, lastRunOf(stored.doc), log);
  services.background.run(() => continueRun(services, stored, log));
  return { dryRun: false, operationId: op.id };
}

export async function getOperation(
  services: Services,
  actor: Actor,
  id: string,
): Promise<Operation> {
  const stored = await services.operations.get(actor.tenantId, id);
  if (!stored) throw notFound("The operation");
  return stored.doc;
}

export function listOperations(
  services: Services,
  actor: Actor,
  filter: { policyId?: string | undefined },
  page: PageRequest,
): Promise<Page<Operation>> {
  return services.operations.list(actor.tenantId, filter, page);
}
