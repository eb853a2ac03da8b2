// Creating a session: the domain's rules for the request, then its forms, the calibration rule
// and its interaction (chosen, or picked by criteria), then the new document.
import { randomUUID } from "node:crypto";
import type { Actor } from "../domain/access.js";
import type { Claimant } from "../domain/eligibility.js";
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
import type { Logger } from "../ports.js";
import type { Services } from "../services.js";
import { afterResponse } from "./sessions.js";
import { claimEarliest, claimInteraction } from "./holds.js";

export async function formsOf(services: Services, tenantId: string, formIds: readonly string[]) {
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

/** The plan's interaction, held for the new session: the chosen one, or the earliest free match. */
async function claimFor(
  services: Services,
  tenantId: string,
  plan: SessionPlan,
  claimant: Claimant,
): Promise<Interaction> {
  if (plan.interaction.mode === "criteria") {
    const picked = await claimEarliest(services, tenantId, plan.interaction.criteria, claimant);
    if (!picked) {
      throw new AppError(
        "NO_MATCHING_INTERACTION",
        "No eligible interaction matches the criteria.",
      );
    }
    return picked;
  }
  const claim = await claimInteraction(
    services,
    tenantId,
    plan.interaction.interactionId,
    claimant,
  );
  switch (claim.kind) {
    case "missing":
      throw validationFailed([
        { path: "interaction.interactionId", message: "no such interaction" },
      ]);
    case "refused":
      throw new AppError(
        claim.code,
        claim.code === "INTERACTION_ALREADY_EVALUATED"
          ? "This interaction has already been evaluated."
          : "Another open session holds this interaction.",
      );
    case "claimed":
      return claim.interaction;
  }
}

export async function createSession(
  services: Services,
  actor: Actor,
  input: Parsed<CreateSessionInput>,
  log: Logger,
): Promise<SessionDocument> {
  const plan = planSession(actor, input);
  const tenantId = actor.tenantId;
  const forms = await formsOf(services, tenantId, plan.formIds);
  await assertFirstOfEvaluator(services, tenantId, plan);
  const id = randomUUID();
  // A session that then fails to be stored leaves its hold to go stale (it may exist after all).
  const interaction = await claimFor(services, tenantId, plan, {
    sessionId: id,
    calibrationId: plan.calibrationId,
  });
  const session = newSession(
    plan,
    { id, tenantId, forms, interaction: interactionRefOf(interaction) },
    actor,
    services.clock.now(),
  );
  const stored = await services.sessions.create(session);
  afterResponse(services, stored, log);
  return stored.doc;
}
