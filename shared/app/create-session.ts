// Creating a session: the domain's rules for the request, then its forms, the calibration rule
// and its interaction (chosen, or picked by criteria), then the new document.
import { randomUUID } from "node:crypto";
import type { Actor } from "../domain/access.js";
import { manualInteractionConflict } from "../domain/eligibility.js";
import { AppError, validationFailed, type FieldError } from "../domain/errors.js";
import { snapshotOf } from "../domain/forms.js";
import { interactionRefOf } from "../domain/interactions.js";
import type { FormSnapshot, Interaction, SessionDocument } from "../domain/model.js";
import type { Parsed } from "../domain/requests.js";
import {
  createSession as newSession,
  planSession,
  type CreateSessionInput,
  type SessionPlan,
} from "../domain/session.js";
import type { Services } from "../services.js";
import { pickEligibleInteraction } from "./interaction-picker.js";

async function formsOf(services: Services, tenantId: string, formIds: readonly string[]) {
  const forms: FormSnapshot[] = [];
  const missing: FieldError[] = [];
  for (const [i, formId] of formIds.entries()) {
    const stored = await services.forms.get(tenantId, formId);
    if (stored) forms.push(snapshotOf(stored.doc));
    else missing.push({ path: `formIds.${i}`, message: "no such form" });
  }
  if (missing.length > 0) throw validationFailed(missing);
  return forms;
}

async function assertFirstOfEvaluator(services: Services, tenantId: string, plan: SessionPlan) {
  if (plan.type !== "Calibration") return;
  const duplicates = await services.sessions.list(
    tenantId,
    {
      calibrationId: plan.calibrationId,
      evaluatorId: plan.evaluatorId,
      archived: "all",
      now: services.clock.now().toISOString(),
    },
    { limit: 1 },
  );
  if (duplicates.items.length > 0) {
    throw new AppError(
      "CALIBRATION_DUPLICATE",
      "This evaluator already has a session of this calibration.",
    );
  }
}

async function interactionFor(
  services: Services,
  tenantId: string,
  plan: SessionPlan,
): Promise<Interaction> {
  if (plan.interaction.mode === "criteria") {
    const picked = await pickEligibleInteraction(services, tenantId, plan.interaction.criteria, {
      calibrationId: plan.calibrationId,
    });
    if (!picked) {
      throw new AppError(
        "NO_MATCHING_INTERACTION",
        "No eligible interaction matches the criteria.",
      );
    }
    return picked;
  }
  const interaction = await services.interactions.get(tenantId, plan.interaction.interactionId);
  if (!interaction) {
    throw validationFailed([{ path: "interaction.interactionId", message: "no such interaction" }]);
  }
  const holders = await services.sessions.holdersOf(tenantId, interaction.id);
  const conflict = manualInteractionConflict(interaction, holders, plan.calibrationId);
  if (conflict === "INTERACTION_ALREADY_EVALUATED") {
    throw new AppError(conflict, "This interaction has already been evaluated.");
  }
  if (conflict === "INTERACTION_IN_USE") {
    throw new AppError(conflict, "Another open session holds this interaction.");
  }
  return interaction;
}

export async function createSession(
  services: Services,
  actor: Actor,
  input: Parsed<CreateSessionInput>,
): Promise<SessionDocument> {
  const plan = planSession(actor, input);
  const tenantId = actor.tenantId;
  const forms = await formsOf(services, tenantId, plan.formIds);
  await assertFirstOfEvaluator(services, tenantId, plan);
  const interaction = await interactionFor(services, tenantId, plan);
  const session = newSession(
    plan,
    { id: randomUUID(), tenantId, forms, interaction: interactionRefOf(interaction) },
    actor,
    services.clock.now(),
  );
  return (await services.sessions.create(session)).doc;
}
