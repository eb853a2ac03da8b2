// GET /api/health's checks: whether each dependency answers. The endpoint is anonymous, so the
// checks run at most once per cacheMs (concurrent calls share one run) and report each
// dependency as ok or unavailable; why a check failed goes to the log only.
import type { HealthCheck, Logger } from "../ports.js";
import type { Services } from "../services.js";

export type CheckStatus = "ok" | "unavailable";

const checkTimeoutMs = 3000;
/** How long one run of the checks answers every caller. */
const cacheMs = 10_000;

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

export function currentChecks(
  services: Services,
  log: Logger,
): Promise<Record<string, CheckStatus>> {
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
