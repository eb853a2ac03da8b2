// Evaluator quality (docs/api.md "Analytics", GET /api/analytics/evaluators): per evaluator, how
// many sessions they completed, how they compare with the expert of the calibrations they took
// part in, and what the disputes on their sessions found.
import { inWindow, type Window } from "./analytics-window.js";
import { isCompared, type Calibration, type CalibrationSession } from "./calibration.js";
import { compareWithExpert } from "./calibration-results.js";
import { byCodeUnit } from "./records.js";

/** A calibration with the sessions that matter to it: those completed in the window, the expert's. */
export interface CalibrationCase {
  calibration: Pick<Calibration, "forms" | "expertEvaluatorId">;
  sessions: readonly CalibrationSession[];
}

/** A dispute as the figures read it (docs/api.md "Disputes"). */
export interface ResolvedDispute {
  evaluatorId: string;
  status: string;
  resolvedAt?: string | null | undefined;
  items: readonly {
    decision?: { outcome: string; reasonCode?: string | undefined } | null | undefined;
  }[];
}

export interface DisputeFigures {
  disputesReceived: number;
  disputeItemsAccepted: number;
  /** Accepted items whose reason is GRADER_ERROR. */
  graderErrors: number;
}

export interface EvaluatorQuality extends DisputeFigures {
  evaluatorId: string;
  sessionsCompleted: number;
  calibrations: number;
  meanAbsDeviationFromExpert: number | null;
  expertMatchRate: number | null;
}

/**
 * Per evaluator, the disputes on their sessions resolved in the window: withdrawn ones (and
 * open ones, which have no resolution) do not count.
 */
export function disputeFigures(
  disputes: readonly ResolvedDispute[],
  window: Window,
): Map<string, DisputeFigures> {
  const figures = new Map<string, DisputeFigures>();
  for (const dispute of disputes) {
    if (dispute.status === "Open" || dispute.status === "Withdrawn") continue;
    if (!inWindow(dispute.resolvedAt, window)) continue;
    const figure = figures.get(dispute.evaluatorId) ?? {
      disputesReceived: 0,
      disputeItemsAccepted: 0,
      graderErrors: 0,
    };
    const accepted = dispute.items.filter((item) => item.decision?.outcome === "accepted");
    figure.disputesReceived += 1;
    figure.disputeItemsAccepted += accepted.length;
    figure.graderErrors += accepted.filter((i) => i.decision?.reasonCode === "GRADER_ERROR").length;
    figures.set(dispute.evaluatorId, figure);
  }
  return figures;
}

interface CalibrationFigures {
  calibrations: number;
  deviationSum: number;
  deviations: number;
  matches: number;
  expertUnits: number;
}

/**
 * A calibration counts for an evaluator when it has a Completed, non-archived expert session and
 * the evaluator's own (counted) session was first completed in the window; the expert's own row
 * is no comparison. Deviations average over calibrations where both scores exist; the match
 * rate pools units.
 */
function calibrationFigures(
  cases: readonly CalibrationCase[],
  window: Window,
): Map<string, CalibrationFigures> {
  const figures = new Map<string, CalibrationFigures>();
  for (const { calibration, sessions } of cases) {
    const comparisons = compareWithExpert(calibration, sessions);
    if (!comparisons) continue;
    for (const [evaluatorId, vs] of comparisons) {
      const ownInWindow = sessions.some(
        (s) => s.evaluatorId === evaluatorId && isCompared(s) && inWindow(s.completedAt, window),
      );
      if (!ownInWindow) continue;
      const figure = figures.get(evaluatorId) ?? {
        calibrations: 0,
        deviationSum: 0,
        deviations: 0,
        matches: 0,
        expertUnits: 0,
      };
      figure.calibrations += 1;
      if (vs.score !== null && vs.expertScore !== null) {
        figure.deviationSum += Math.abs(vs.score - vs.expertScore);
        figure.deviations += 1;
      }
      figure.matches += vs.matches;
      figure.expertUnits += vs.expertUnits;
      figures.set(evaluatorId, figure);
    }
  }
  return figures;
}

/**
 * One row per evaluator with anything to show, by evaluatorId. `completions` counts the
 * sessions (not Calibration ones) each evaluator first completed in the window; `disputes` are
 * those resolved in it.
 */
export function evaluatorQuality(input: {
  window: Window;
  completions: ReadonlyMap<string, number>;
  calibrations: readonly CalibrationCase[];
  disputes: readonly ResolvedDispute[];
}): EvaluatorQuality[] {
  const calibrations = calibrationFigures(input.calibrations, input.window);
  const disputes = disputeFigures(input.disputes, input.window);
  const ids = new Set([
    ...[...input.completions].filter(([, n]) => n > 0).map(([id]) => id),
    ...calibrations.keys(),
    ...disputes.keys(),
  ]);
  return [...ids].sort(byCodeUnit).map((evaluatorId) => {
    const c = calibrations.get(evaluatorId);
    return {
      evaluatorId,
      sessionsCompleted: input.completions.get(evaluatorId) ?? 0,
      calibrations: c?.calibrations ?? 0,
      meanAbsDeviationFromExpert: c && c.deviations > 0 ? c.deviationSum / c.deviations : null,
      expertMatchRate: c && c.expertUnits > 0 ? c.matches / c.expertUnits : null,
      ...(disputes.get(evaluatorId) ?? {
        disputesReceived: 0,
        disputeItemsAccepted: 0,
        graderErrors: 0,
      }),
    };
  });
}
