import { listCalibrations } from "../shared/app/calibrations.js";
import { pageQuery } from "../shared/http/query.js";
import { json } from "../shared/http/responses.js";
import { calibrationSummaryViewSchema } from "../shared/http/views/calibrations.js";
import { pageSchema } from "../shared/http/views/resources.js";
import { httpFunction } from "../shared/registry.js";

export const calibrationsList = httpFunction({
  name: "calibrationsList",
  route: "calibrations",
  methods: ["GET"],
  access: ["QM.Administrator"],
  summary: "The tenant's calibrations, newest first, with their participants counted",
  tags: ["Calibrations"],
  query: pageQuery,
  responses: [
    {
      status: 200,
      description: "A page of calibrations",
      schema: pageSchema(calibrationSummaryViewSchema),
    },
  ],
  handler: async ({ principal, services, query }) =>
    json(200, await listCalibrations(services, principal, query)),
});
