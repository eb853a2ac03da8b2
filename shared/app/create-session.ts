// Creating a session: the domain's rules for the request, then its forms and its interaction
// (chosen, or picked by criteria), then the new document; a Calibration session creates or joins
// its calibration on the way.
import { randomUUID } from "node:crypto";
import type { Actor } from "../domain/access.js";
import {
  assertSameSubject,
  duplicateError,
  isCalibrationPlan,
  memberOf,
  newCalibration,
  withMember,
  type Calibration,
  type CalibrationPlan,
} from "../domain/calibration.js";
import type { Claimant, HoldRefusal } from "../domain/eligibility.js";
import { AppError, isCode, validationFailed, type FieldError } from "../domain/errors.js";
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
import type { Logger, Stored } from "../ports.js";
import type { Services } from "../services.js";
import { claimEarliest, claimInteraction, releaseHold } from "./holds.js";
import { afterResponse } from "./sessions.js";

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

const refusals: Record<HoldRefusal, string> = {
  INTERACTION_ALREADY_EVALUATED: "This interaction has already been evaluated.",
  INTERACTION_IN_USE: "Another open session holds this interaction.",
  CONFLICT: "The calibration is closed to new evaluators: its first session was archived.",
};

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
      throw new AppError(claim.code, refusals[claim.code]);
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
  if (isCalibrationPlan(plan)) return createCalibrationSession(services, actor, plan, log);
  const tenantId = actor.tenantId;
  const forms = await formsOf(services, tenantId, plan.formIds);
  const id = randomUUID();
  // A session that then fails to be stored leaves its hold to go stale (it may exist after all).
  const interaction = await claimFor(services, tenantId, plan, { sessionId: id });
  return storeSession(services, actor, plan, { id, forms, interaction }, log);
}

/** Stores the new session; its outbox (the `created` history entry) moves after the response. */
async function storeSession(
  services: Services,
  actor: Actor,
  plan: SessionPlan,
  found: { id: string; forms: FormSnapshot[]; interaction: Interaction },
  log: Logger,
): Promise<SessionDocument> {
  const session = newSession(
    plan,
    { ...found, tenantId: actor.tenantId, interaction: interactionRefOf(found.interaction) },
    actor,
    services.clock.now(),
  );
  try {
    const stored = await services.sessions.create(session);
    afterResponse(services, stored, log);
    return stored.doc;
  } catch (error) {
    // Only a calibration member's session id is ever used twice: the join raced its own retry.
    if (plan.type === "Calibration" && isCode(error, "CONFLICT")) throw duplicateError();
    throw error;
  }
}

// ---------- Calibration sessions ----------

/** Rounds of reading the calibration and writing to it, each lost to a concurrent writer. */
const JOIN_ATTEMPTS = 5;

/**
 * The first session of a calibrationId creates the calibration; later ones join it with a
 * write conditioned on the calibration read, before their session is stored, so that of two
 * racing joins of one evaluator exactly one gets a session (docs/api.md "Sessions").
 */
async function createCalibrationSession(
  services: Services,
  actor: Actor,
  plan: CalibrationPlan,
  log: Logger,
): Promise<SessionDocument> {
  // One id for every attempt: a hold written by a first attempt then names this session.
  const id = randomUUID();
  for (let attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
    const stored = await services.calibrations.get(actor.tenantId, plan.calibrationId);
    const session = stored
      ? await joinCalibration(services, actor, plan, stored, id, log)
      : await startCalibration(services, actor, plan, id, log);
    if (session) return session;
  }
  throw new AppError("CONFLICT", "The calibration kept changing while joining it; retry.");
}

/** The first session: its forms and interaction make the calibration. Undefined: a racer did. */
async function startCalibration(
  services: Services,
  actor: Actor,
  plan: CalibrationPlan,
  id: string,
  log: Logger,
): Promise<SessionDocument | undefined> {
  const tenantId = actor.tenantId;
  const forms = await formsOf(services, tenantId, plan.formIds);
  const interaction = await claimFor(services, tenantId, plan, {
    sessionId: id,
    calibrationId: plan.calibrationId,
  });
  const found = { tenantId, interactionId: interaction.id, forms, sessionId: id };
  const calibration = newCalibration(plan, found, actor, services.clock.now());
  const { stored, created } = await services.calibrations.createIfAbsent(calibration);
  if (created) return storeSession(services, actor, plan, { id, forms, interaction }, log);
  // Another first session created it meanwhile. Its hold is this one's when both named the same
  // interaction; on another interaction this one's calibration hold, which never goes stale,
  // is given back before the join is refused as a mismatch.
  if (stored.doc.interactionId !== interaction.id) {
    await releaseHold(services, tenantId, interaction.id, id, log, { calibration: true });
  }
  return undefined;
}

/** A later session: same subject, one per evaluator. Undefined: the calibration changed. */
async function joinCalibration(
  services: Services,
  actor: Actor,
  plan: CalibrationPlan,
  stored: Stored<Calibration>,
  newId: string,
  log: Logger,
): Promise<SessionDocument | undefined> {
  const tenantId = actor.tenantId;
  const calibration = stored.doc;
  const member = memberOf(calibration, plan.evaluatorId);
  // A member without a session is a join whose session was never stored: this retry stores it.
  if (member && (await services.sessions.get(tenantId, member.sessionId))) throw duplicateError();
  assertSameSubject(calibration, plan);
  const id = member?.sessionId ?? newId;
  const interaction = await claimFor(services, tenantId, plan, {
    sessionId: id,
    calibrationId: calibration.id,
  });
  if (!member) {
    const joined = withMember(
      calibration,
      { evaluatorId: plan.evaluatorId, sessionId: id },
      services.clock.now(),
    );
    try {
      await services.calibrations.replace(joined, stored.etag);
    } catch (error) {
      if (isCode(error, "PRECONDITION_FAILED")) return undefined;
      throw error;
    }
  }
  return storeSession(services, actor, plan, { id, forms: calibration.forms, interaction }, log);
}
