// `npm run analytics:rebuild -- --tenant <tid>`: recomputes one tenant's analytics read model
// from its sessions (docs/analytics.md "Rebuilding the read model"): after a consumer outage
// whose messages were lost, or for sessions completed before the consumer existed.
//
// By default against the local host's Cosmos DB stand-in (`npm start` must be running). With
// COSMOS__accountEndpoint pointing off this machine (environment or local.settings.json), against
// that account with the service's identity-based settings: no key, the Azure credential
// (`az login`, or a managed identity), and COSMOS_DATABASE if it is not the default.
import { parseArgs } from "node:util";
import { rebuildAnalytics } from "../shared/app/analytics.js";
import { createServices } from "../shared/composition.js";
import { ConfigError, readSettings } from "../shared/config.js";
import { defaultPorts, isLoopbackUrl, localDefaults, localOverrides } from "../dev/settings.js";

const usage = "Usage: npm run analytics:rebuild -- --tenant <tid>";

/** The local host's settings layering; against Cosmos DB off this machine, no emulator key. */
function settings(): Record<string, string> {
  const overrides = localOverrides();
  const defaults = localDefaults(defaultPorts);
  const endpoint = overrides.COSMOS__accountEndpoint;
  if (endpoint !== undefined && !isLoopbackUrl(endpoint)) {
    delete defaults.COSMOS_KEY;
    delete defaults.COSMOS_ALLOW_SELF_SIGNED_CERT;
  }
  return { ...defaults, ...overrides };
}

async function main(): Promise<number> {
  let tenant: string | undefined;
  try {
    tenant = parseArgs({ options: { tenant: { type: "string" } } }).values.tenant;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  if (!tenant) {
    console.error(usage);
    return 2;
  }
  let services;
  try {
    const { config, warnings } = readSettings(settings());
    for (const warning of warnings) console.warn(`settings: ${warning}`);
    services = createServices(config);
    console.log(`analytics: rebuilding tenant ${tenant} on ${config.COSMOS__accountEndpoint}`);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : String(error));
    return 2;
  }
  try {
    const result = await rebuildAnalytics(services, tenant, console);
    console.log(
      `analytics: tenant ${tenant} rebuilt: ${result.sessions} session(s) applied, ` +
        `${result.buckets} bucket(s) written, ${result.removed} document(s) removed first`,
    );
    return 0;
  } catch (error) {
    console.error(
      `analytics: the rebuild of tenant ${tenant} stopped: ${error instanceof Error ? error.message : String(error)}` +
        " (is the local host running? `npm start`); run it again, it starts over",
    );
    return 1;
  }
}

// The Cosmos client keeps its connections open: leave once the work is done.
process.exit(await main());
