// Azure Monitor (Application Insights) through its OpenTelemetry distro, started only when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set. The distro stays out of the bundle (an external
// of scripts/build.ts) and is imported here on first use, so a cold start without the setting
// never reads it. Application Insights has local authentication disabled (infra/modules/
// monitoring.bicep): the exporter signs in with the app's managed identity.
import type { Config } from "../config.js";
import { azureCredential } from "./credential.js";

/** Starts the distro when the setting is there; resolves to whether it did. */
export async function startAzureMonitor(
  config: Pick<Config, "APPLICATIONINSIGHTS_CONNECTION_STRING">,
): Promise<boolean> {
  const connectionString = config.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (!connectionString) return false;
  const { useAzureMonitor } = await import("@azure/monitor-opentelemetry");
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, credential: azureCredential() },
  });
  return true;
}
