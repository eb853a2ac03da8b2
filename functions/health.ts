import { z } from "zod";
import { json } from "../shared/http/responses.js";
import { httpFunction } from "../shared/registry.js";

const checkTimeoutMs = 3000;

const healthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  checks: z.record(z.string(), z.string()),
});

async function runCheck(check: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${checkTimeoutMs} ms`)),
      checkTimeoutMs,
    );
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch (error) {
    return `failed: ${error instanceof Error ? error.message.split("\n")[0] : "unknown error"}`;
  } finally {
    clearTimeout(timer);
  }
}

export const health = httpFunction({
  name: "health",
  route: "health",
  methods: ["GET"],
  access: "anonymous",
  summary: "Reachability of the service and its dependencies",
  tags: ["Service"],
  responses: [
    { status: 200, description: "Every dependency answered", schema: healthSchema },
    { status: 503, description: "A dependency failed; `checks` names it", schema: healthSchema },
  ],
  handler: async ({ services }) => {
    const names = Object.keys(services.healthChecks);
    const results = await Promise.all(names.map((name) => runCheck(services.healthChecks[name]!)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    const ok = results.every((r) => r === "ok");
    return json(
      ok ? 200 : 503,
      { status: ok ? "ok" : "unavailable", checks },
      ok
        ? {}
        : { headers: { "Retry-After": String(services.config.DEPENDENCY_RETRY_AFTER_SECONDS) } },
    );
  },
});
