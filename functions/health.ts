// GET /api/health: whether each dependency answers. Anonymous, so it must be cheap and tell an
// outsider nothing: the checks run at most once per cacheMs (concurrent calls share one run)
// and each is reported as ok or unavailable; why a check failed goes to the log only.
import { z } from "zod";
import { json } from "../shared/http/responses.js";
import type { HealthCheck, Logger } from "../shared/ports.js";
import { httpFunction } from "../shared/registry.js";
import type { Services } from "../shared/services.js";

const checkTimeoutMs = 3000;
/** How long one run of the checks answers every caller. */
const cacheMs = 10_000;

const checkStatus = z.enum(["ok", "unavailable"]);
type CheckStatus = z.output<typeof checkStatus>;

const healthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  checks: z.record(z.string(), checkStatus),
});

async function runCheck(name: string, check: HealthCheck, log: Logger): Promise<CheckStatus> {
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
    log.warn(`health: the ${name} check failed:`, error);
    return "unavailable";
  } finally {
    clearTimeout(timer);
  }
}

/** Per services instance, so each test app (and each process) has its own. */
const lastRun = new WeakMap<
  Services,
  { startedAt: number; checks: Promise<Record<string, CheckStatus>> }
>();

function currentChecks(services: Services, log: Logger): Promise<Record<string, CheckStatus>> {
  const now = services.clock.now().getTime();
  const last = lastRun.get(services);
  if (last && now - last.startedAt < cacheMs) return last.checks;
  const names = Object.keys(services.healthChecks);
  const checks = Promise.all(
    names.map((name) => runCheck(name, services.healthChecks[name]!, log)),
  ).then((results) => Object.fromEntries(names.map((name, i) => [name, results[i]!])));
  lastRun.set(services, { startedAt: now, checks });
  return checks;
}

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
