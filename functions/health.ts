// GET /api/health: whether each dependency answers, cheaply and telling an outsider nothing
// (shared/app/health.ts runs the checks).
import { z } from "zod";
import { currentChecks } from "../shared/app/health.js";
import { json } from "../shared/http/responses.js";
import { httpFunction } from "../shared/registry.js";

const checkStatus = z.enum(["ok", "unavailable"]);

const healthSchema = z.object({ status: checkStatus, checks: z.record(z.string(), checkStatus) });

export const health = httpFunction({
  name: "health",
  route: "health",
  methods: ["GET"],
  access: "anonymous",
  summary: "Reachability of the service and its dependencies (checked at most every 10 s)",
  tags: ["Service"],
  responses: [
    { status: 200, description: "Every dependency answered", schema: healthSchema },
    {
      status: 503,
      description: "A dependency did not answer; `checks` names it `unavailable`",
      schema: healthSchema,
    },
  ],
  handler: async ({ services, log }) => {
    const checks = await currentChecks(services, log);
    const ok = Object.values(checks).every((status) => status === "ok");
    return json(
      ok ? 200 : 503,
      { status: ok ? "ok" : "unavailable", checks },
      ok
        ? {}
        : { headers: { "Retry-After": String(services.config.DEPENDENCY_RETRY_AFTER_SECONDS) } },
    );
  },
});
