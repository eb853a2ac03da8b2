// What callers see of calibrations and of evaluator quality: the domain's results as they are,
// described here for the OpenAPI document.
import { z } from "zod";
import type { Calibration } from "../../domain/calibration.js";
import { displayStatuses } from "../../domain/model.js";

export const calibrationSettingsViewSchema = z
  .object({
    calibrationId: z.string(),
    expertEvaluatorId: z.string().nullable(),
    blind: z.boolean(),
  })
  .meta({ id: "CalibrationSettings" });

export function calibrationSettingsView(
  calibration: Calibration,
): z.infer<typeof calibrationSettingsViewSchema> {
  return {
    calibrationId: calibration.id,
    expertEvaluatorId: calibration.expertEvaluatorId,
    blind: calibration.blind,
  };
}

const subject = {
  calibrationId: z.string(),
  interactionId: z.string(),
  formIds: z.array(z.string()),
  expertEvaluatorId: z.string().nullable(),
  blind: z.boolean(),
};

export const calibrationSummaryViewSchema = z
  .object({
    ...subject,
    participants: z.number().int(),
    completed: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: "CalibrationSummary" });

const ratedAnswerSchema = z
  .union([z.object({ answerIds: z.array(z.string()) }), z.object({ na: z.literal(true) })])
  .meta({ id: "CalibrationValue", description: "The chosen answers, or N/A" });

const nullableNumber = z.number().nullable();

export const calibrationResultsViewSchema = z
  .object({
    ...subject,
    participants: z.array(
      z.object({
        evaluatorId: z.string().nullable(),
        sessionId: z.string(),
        status: z.enum(displayStatuses),
        score: nullableNumber.meta({ description: "null until the session is Completed" }),
      }),
    ),
    completed: z.number().int(),
    score: z
      .object({
        mean: nullableNumber,
        min: nullableNumber,
        max: nullableNumber,
        stdDev: nullableNumber,
      })
      .nullable(),
    agreement: z.object({
      krippendorffAlpha: nullableNumber,
      ci95: z.tuple([z.number(), z.number()]).nullable(),
      percent: nullableNumber,
      units: z.number().int(),
    }),
    questions: z.array(
      z.object({
        formId: z.string(),
        questionId: z.string(),
        text: z.string(),
        answers: z.record(z.string(), ratedAnswerSchema.nullable()),
        percent: nullableNumber,
        expert: ratedAnswerSchema.nullable(),
        deviatesFromExpert: z.array(z.string()).nullable(),
      }),
    ),
    evaluators: z.array(
      z.object({
        evaluatorId: z.string(),
        score: nullableNumber,
        deviationFromMean: nullableNumber,
        deviationFromExpert: nullableNumber,
        expertMatchRate: nullableNumber,
      }),
    ),
  })
  .meta({ id: "CalibrationResults" });

const count = z.number().int().min(0);

export const evaluatorQualityViewSchema = z
  .object({
    asOf: z.string(),
    items: z.array(
      z.object({
        evaluatorId: z.string(),
        sessionsCompleted: count,
        calibrations: count,
        meanAbsDeviationFromExpert: nullableNumber,
        expertMatchRate: nullableNumber,
        disputesReceived: count,
        disputeItemsAccepted: count,
        graderErrors: count,
      }),
    ),
  })
  .meta({ id: "EvaluatorQuality" });
