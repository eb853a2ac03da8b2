import { runPolicyTimer } from "../shared/app/policy-runs.js";
import { timerFunction } from "../shared/registry.js";

export const policiesTimer = timerFunction({
  name: "policiesTimer",
  schedule: "0 0 * * * *",
  handler: async (log, services) => {
    const result = await runPolicyTimer(services, log);
    if (result.continued + result.started > 0) log.log(`policies: ${JSON.stringify(result)}`);
    if (result.failed > 0)
      throw new Error(`${result.failed} policy run(s) failed; the next hour's timer retries`);
  },
});
