import { updateCalibrationSettings } from "../shared/app/calibrations.js";
import { calibrationSettingsSchema } from "../shared/domain/calibration.js";
import { problemSchema } from "../shared/http/openapi.js";
import { json } from "../shared/http/responses.js";
import {
  calibrationSettingsView,
  calibrationSettingsViewSchema,
} from "../shared/http/views/calibrations.js";
import { httpFunction } from "../shared/registry.js";

export const calibrationsPut = httpFunction({
  name: "calibrationsPut",
  route: "calibrations/{calibrationId}",
  methods: ["PUT"],
  access: ["QM.Administrator"],
  summary: "Set a calibration's expert and whether it is blind (both replaced; no If-Match)",
  tags: ["Calibrations"],
  body: calibrationSettingsSchema,
  responses: [
    { status: 200, description: "The settings", schema: calibrationSettingsViewSchema },
    {
      status: 422,
      description: "EXPERT_NOT_PARTICIPANT: the expert has no session in it",
      schema: problemSchema,
    },
  ],
  handler: async ({ principal, services, params, body }) => {
    const calibration = await updateCalibrationSettings(
      services,
      principal,
      params.calibrationId,
      body,
    );
    return json(200, calibrationSettingsView(calibration));
  },
});
