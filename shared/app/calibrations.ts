// The calibration use cases (docs/api.md "Calibrations"): its settings, the list, and the
// results, which cost the calibration's point read and one query for its sessions.
import type { Actor } from "../domain/access.js";
import {
  authorizeResults,
  changeSettings,
  summaryOf,
  withMemberReassigned,
  type Calibration,
  type CalibrationSettings,
  type CalibrationSummary,
} from "../domain/calibration.js";
import { calibrationResults, type CalibrationResults } from "../domain/calibration-results.js";
import { AppError, lostRace, notFound } from "../domain/errors.js";
import type { SessionDocument } from "../domain/model.js";
import type { Parsed } from "../domain/requests.js";
import type { Page, PageRequest, Stored } from "../ports.js";
import type { Services } from "../services.js";

/** Calibration writes carry no If-Match: a join that moved the etag meanwhile is read again. */
const WRITE_ATTEMPTS = 5;

/**
 * Writes `change` of the calibration as it is now, on the etag read with it; a write that lost
 * to another (a join, a reassignment) is read and judged again (shared/app/conditional-writes.ts
 * says why this ends in 409, not 412). `change` gives undefined when there is nothing to write.
 * Undefined when no such calibration exists.
 */
async function changeCalibration(
  services: Services,
  tenantId: string,
  calibrationId: string,
  change: (calibration: Calibration) => Calibration | undefined,
): Promise<Calibration | undefined> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const stored = await services.calibrations.get(tenantId, calibrationId);
    if (!stored) return undefined;
    const next = change(stored.doc);
    if (!next) return stored.doc;
    try {
      return (await services.calibrations.replace(next, stored.etag)).doc;
    } catch (error) {
      if (!lostRace(error)) throw error;
    }
  }
  throw new AppError("CONFLICT", "The calibration kept changing while writing it; retry.");
}

/** The calibration of a calibrationId: 404 when no session ever named it. */
async function loadCalibration(
  services: Services,
  tenantId: string,
  calibrationId: string,
): Promise<Stored<Calibration>> {
  const stored = await services.calibrations.get(tenantId, calibrationId);
  if (!stored) throw notFound(`Calibration ${calibrationId}`);
  return stored;
}

export async function getCalibrationResults(
  services: Services,
  actor: Actor,
  calibrationId: string,
): Promise<CalibrationResults> {
  const { doc: calibration } = await loadCalibration(services, actor.tenantId, calibrationId);
  const sessions = await services.calibrations.sessionsOf(actor.tenantId, calibrationId);
  authorizeResults(calibration, sessions, actor);
  return calibrationResults(calibration, sessions, services.clock.now());
}

export async function updateCalibrationSettings(
  services: Services,
  actor: Actor,
  calibrationId: string,
  input: Parsed<CalibrationSettings>,
): Promise<Calibration> {
  const saved = await changeCalibration(services, actor.tenantId, calibrationId, (doc) =>
    changeSettings(doc, input),
  );
  if (!saved) throw notFound(`Calibration ${calibrationId}`);
  return saved;
}

/**
 * Records in its calibration that an Administrator is giving a Calibration session to another
 * evaluator, before the session is written: a second session of one evaluator in a calibration
 * → 409 CALIBRATION_DUPLICATE, and two racing reassignments to one evaluator meet on the
 * calibration's etag. A crash or a lost race (412) before the session write leaves the member
 * ahead of its session; the same request again finds it recorded and writes the session.
 */
export async function reassignCalibrationMember(
  services: Services,
  session: Pick<SessionDocument, "tenantId" | "id" | "calibrationId">,
  evaluatorId: string,
): Promise<void> {
  if (!session.calibrationId) return;
  await changeCalibration(services, session.tenantId, session.calibrationId, (doc) =>
    withMemberReassigned(doc, session.id, evaluatorId),
  );
}

/** Newest first; the page's participant counts come from one query of their sessions. */
export async function listCalibrations(
  services: Services,
  actor: Actor,
  page: PageRequest,
): Promise<Page<CalibrationSummary>> {
  const found = await services.calibrations.list(actor.tenantId, page);
  const states = await services.calibrations.statesOf(
    actor.tenantId,
    found.items.map((c) => c.id),
  );
  return {
    items: found.items.map((calibration) => summaryOf(calibration, states)),
    continuationToken: found.continuationToken,
  };
}
