import { sweepOutbox } from "../shared/app/outbox.js";
import { timerFunction } from "../shared/registry.js";

export const outboxSweep = timerFunction({
  name: "outboxSweep",
  schedule: "0 */1 * * * *",
  handler: async (log, services) => {
    const result = await sweepOutbox(services, log);
    if (result.sessions > 0) log.log(`outbox sweep: ${JSON.stringify(result)}`);
    if (result.failed > 0)
      throw new Error(`${result.failed} session(s) could not be published; the next sweep retries`);
  },
});
