// GET /api/analytics/evaluators: per evaluator, sessions completed and agreement with the
// experts of their calibrations, in a window. Sessions completed come from the analytics read
// model (one query for the window's sessions buckets: its cost follows agents and months, not
// sessions); the rest grows with the calibrations in the window (one query for their sessions,
// then each calibration's document and its expert's session) and with the disputes resolved in
// it (one query).
import type { Actor } from "../domain/access.js";
import { sessionsByEvaluator } from "../domain/analytics-reads.js";
import { analyticsWindow } from "../domain/analytics-window.js";
import { calibrationSessionOf, memberOf, type CalibrationSession } from "../domain/calibration.js";
import {
  evaluatorQuality,
  type CalibrationCase,
  type EvaluatorQuality,
} from "../domain/evaluator-quality.js";
import type { Services } from "../services.js";

/** The calibrations of `sessions` that have an expert, each with the expert's session added. */
async function casesOf(
  services: Services,
  tenantId: string,
  sessions: readonly CalibrationSession[],
): Promise<CalibrationCase[]> {
  const byCalibration = new Map<string, CalibrationSession[]>();
  for (const s of sessions)
    byCalibration.set(s.calibrationId, [...(byCalibration.get(s.calibrationId) ?? []), s]);
  const cases: CalibrationCase[] = [];
  for (const [calibrationId, own] of byCalibration) {
    const calibration = (await services.calibrations.get(tenantId, calibrationId))?.doc;
    const expertId = calibration?.expertEvaluatorId;
    const expert = calibration && expertId ? memberOf(calibration, expertId) : undefined;
    if (!calibration || !expert) continue;
    const listed = own.find((s) => s.id === expert.sessionId);
    const read = listed
      ? undefined
      : (await services.sessions.get(tenantId, expert.sessionId))?.doc;
    const expertSession = listed ?? (read && calibrationSessionOf(read));
    if (!expertSession) continue;
    cases.push({ calibration, sessions: listed ? own : [...own, expertSession] });
  }
  return cases;
}

export async function evaluatorQualityReport(
  services: Services,
  actor: Actor,
  query: { from?: string | undefined; to?: string | undefined },
): Promise<{ asOf: string; items: EvaluatorQuality[] }> {
  const now = services.clock.now();
  const window = analyticsWindow(query, now);
  const tenantId = actor.tenantId;
  const { fromMonth, toMonth } = window;
  const buckets = await services.analytics.buckets(tenantId, {
    fromMonth,
    toMonth,
    level: "sessions",
  });
  const completions = sessionsByEvaluator(buckets, window);
  const completed = await services.calibrations.completedIn(tenantId, window);
  const calibrations = await casesOf(services, tenantId, completed);
  const disputes = await services.disputes.resolvedIn(tenantId, window);
  return {
    asOf: now.toISOString(),
    items: evaluatorQuality({ window, completions, calibrations, disputes }),
  };
}
