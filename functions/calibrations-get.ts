import { getCalibrationResults } from "../shared/app/calibrations.js";
import { problemSchema } from "../shared/http/openapi.js";
import { json } from "../shared/http/responses.js";
import { calibrationResultsViewSchema } from "../shared/http/views/calibrations.js";
import { httpFunction } from "../shared/registry.js";

export const calibrationsGet = httpFunction({
  name: "calibrationsGet",
  route: "calibrations/{calibrationId}",
  methods: ["GET"],
  // Who sees it is the calibration's rule (Admin; its Evaluators), and everyone else gets 404.
  access: "authenticated",
  summary:
    "A calibration's results: agreement (Krippendorff's alpha), scores and the expert's view",
  tags: ["Calibrations"],
  responses: [
    { status: 200, description: "The results", schema: calibrationResultsViewSchema },
    {
      status: 403,
      description:
        "CALIBRATION_NOT_SUBMITTED: blind, and the caller's own session is not completed",
      schema: problemSchema,
    },
  ],
  handler: async ({ principal, services, params }) =>
    json(200, await getCalibrationResults(services, principal, params.calibrationId)),
});
