// Calibration results of 20 evaluators × 200 questions, bootstrap included.
import { completedCalibration, simulatedRatings } from "../test/support/calibration-fixtures.js";
import { createTestApp } from "../test/support/harness.js";
import { admin } from "../test/support/scenario.js";
import { timeEach, type Measurement } from "./figures.js";

export const calibrationResults: Measurement = {
  title: "calibration results",
  about:
    "Milliseconds per `GET /api/calibrations/{id}` of 20 completed sessions × 200 questions " +
    "(3 answers each, 80% agreement), alpha and its 1,000-resample bootstrap included, through " +
    "the handler (token check, JSON out) over in-memory stores, after a warm-up.",
  async measure({ quick }) {
    const app = await createTestApp();
    const rows = simulatedRatings(20, 200, { values: 3, agreement: 0.8, seed: 20 });
    await completedCalibration(app, "bench", rows, { values: 3 });
    const get = async () => {
      const res = await app.call("calibrationsGet", {
        as: admin,
        params: { calibrationId: "bench" },
      });
      if (res.status !== 200) throw new Error(`calibration results: ${res.status}`);
    };
    return { calibrationResultsMs: await timeEach(get, quick ? 5 : 15, 3) };
  },
};
