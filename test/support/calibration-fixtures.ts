// Calibration test data: Krippendorff's published example (four observers, twelve units,
// missing values; nominal alpha 0.743) as a form and the answers of four evaluators, and a
// seeded generator of large calibrations for the benchmark.
import { mulberry32 } from "../../shared/domain/agreement.js";
import type { FormInput } from "../../shared/domain/model.js";
import type { TestApp, TestPrincipal } from "./harness.js";
import { admin, createForm, ingest, tenant } from "./scenario.js";

/**
 * The example of Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), observers as
 * rows and units as columns; values 1–5, null where the observer gave none.
 */
export const publishedExample: readonly (readonly (number | null)[])[] = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];
/** The observers, in an order that sorts like the paper's A, B, C, D. */
export const observers = ["ann", "ben", "cat", "dan"] as const;

export const questionId = (i: number): string => `q${String(i + 1).padStart(3, "0")}`;

/**
 * A one-group form of `questions` optional single-choice questions (ids q001, q002, …) with
 * answers v1 … v`values` scoring 100 down to 0, N/A allowed. Weights sum to 100.
 */
export function calibrationForm(questions: number, values = 5, name = "Calibration"): FormInput {
  const base = Math.floor((100 / questions) * 100) / 100;
  return {
    name,
    groups: [
      {
        id: "g",
        name: "All",
        weight: 100,
        questions: Array.from({ length: questions }, (_, i) => ({
          id: questionId(i),
          text: `Question ${i + 1}?`,
          type: "singleChoice" as const,
          required: false,
          // The last question takes what the equal shares leave over.
          weight: i === questions - 1 ? 100 - base * (questions - 1) : base,
          naAllowed: true,
          answers: Array.from({ length: values }, (_, v) => ({
            id: `v${v + 1}`,
            label: `Value ${v + 1}`,
            score: values === 1 ? 100 : (100 * (values - 1 - v)) / (values - 1),
          })),
        })),
      },
    ],
  };
}

/** One observer's row as an answers patch of `formId` (a null value is left unanswered). */
export function answersOf(
  formId: string,
  row: readonly (number | null)[],
): Record<string, Record<string, { answerIds: string[] }>> {
  const answers: Record<string, { answerIds: string[] }> = {};
  for (const [i, value] of row.entries()) {
    if (value !== null) answers[questionId(i)] = { answerIds: [`v${value}`] };
  }
  return { [formId]: answers };
}

/**
 * `evaluators` rows of `questions` values in 1…`values`: each evaluator gives the question's
 * "true" value with probability `agreement`, else a random one, from a seeded generator.
 */
export function simulatedRatings(
  evaluators: number,
  questions: number,
  options: { values?: number; agreement?: number; seed?: number } = {},
): number[][] {
  const values = options.values ?? 3;
  const random = mulberry32(options.seed ?? 1);
  const truth = Array.from({ length: questions }, () => 1 + Math.floor(random() * values));
  return Array.from({ length: evaluators }, () =>
    truth.map((value) =>
      random() < (options.agreement ?? 0.8) ? value : 1 + Math.floor(random() * values),
    ),
  );
}

// ---------- through the API (the in-process harness) ----------

export const evaluator = (userId: string): TestPrincipal => ({
  tenantId: tenant,
  userId,
  roles: ["QM.Evaluator"],
});

export interface CalibrationRequest {
  calibrationId: string;
  formIds: readonly string[];
  interactionId: string;
  evaluatorId: string;
  dueDate?: string;
}

/** An Administrator creates `evaluatorId`'s session of the calibration (the first one creates it). */
export function calibrationSession(app: TestApp, request: CalibrationRequest) {
  return app.call("sessionsCreate", {
    as: admin,
    body: {
      name: `Calibration ${request.calibrationId}`,
      type: "Calibration",
      calibrationId: request.calibrationId,
      formIds: request.formIds,
      evaluatorId: request.evaluatorId,
      dueDate: request.dueDate ?? "2026-12-01T00:00:00Z",
      interaction: { mode: "manual", interactionId: request.interactionId },
    },
  });
}

/** The evaluator saves `answers` on its session and completes it; the completion's response. */
export async function answerAndComplete(
  app: TestApp,
  session: { id: string; etag: string; evaluatorId: string },
  answers: unknown,
) {
  const as = evaluator(session.evaluatorId);
  const params = { id: session.id };
  const saved = await app.call("sessionsAnswers", {
    as,
    params,
    headers: { "if-match": session.etag },
    body: { answers },
  });
  if (saved.status !== 200)
    throw new Error(`answers: ${saved.status} ${JSON.stringify(saved.json)}`);
  return app.call("sessionsComplete", {
    as,
    params,
    headers: { "if-match": saved.headers.etag ?? "" },
    body: {},
  });
}

/**
 * A calibration of `rows.length` evaluators over a form of `rows[0].length` questions, made and
 * completed through the API: evaluator i answers rows[i] (null: unanswered). Evaluators are
 * `names[i]`, else e01, e02, … (so that they sort in row order).
 */
export async function completedCalibration(
  app: TestApp,
  calibrationId: string,
  rows: readonly (readonly (number | null)[])[],
  options: { values?: number; names?: readonly string[] } = {},
): Promise<{ formId: string; interactionId: string; sessionIds: Record<string, string> }> {
  const formId = (await createForm(app, calibrationForm(rows[0]?.length ?? 0, options.values))).id;
  const interactionId = (await ingest(app)).id;
  const sessionIds: Record<string, string> = {};
  for (const [i, row] of rows.entries()) {
    const evaluatorId = options.names?.[i] ?? `e${String(i + 1).padStart(2, "0")}`;
    const created = await calibrationSession(app, {
      calibrationId,
      formIds: [formId],
      interactionId,
      evaluatorId,
    });
    if (created.status !== 201) {
      throw new Error(`session: ${created.status} ${JSON.stringify(created.json)}`);
    }
    const session = { id: String(created.json.id), etag: created.headers.etag ?? "", evaluatorId };
    const done = await answerAndComplete(app, session, answersOf(formId, row));
    if (done.status !== 200)
      throw new Error(`complete: ${done.status} ${JSON.stringify(done.json)}`);
    sessionIds[evaluatorId] = session.id;
  }
  return { formId, interactionId, sessionIds };
}
