// Every setting the service reads, parsed once by one schema. A missing or bad setting stops
// start-up with a message naming it; nothing else in the code reads process.env.
import { z } from "zod";

const bool = z
  .enum(["true", "false"], { message: 'must be "true" or "false"' })
  .transform((v) => v === "true");

const csv = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  )
  .pipe(z.array(z.string()).min(1, "must list at least one value"));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** How long a client waits before retrying a 503 (the setting's default; one source). */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** The settings schema. Keys are exactly the app-setting names (Bicep writes the same names). */
export const settingsSchema = z.object({
  /** Cosmos DB account endpoint; identity-based (managed identity) unless COSMOS_KEY is set. */
  COSMOS__accountEndpoint: z.url(),
  /** Local emulator key only. Azure deployments disable key auth on Cosmos. */
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_DATABASE: z.string().min(1).default("evaluation-sessions"),
  /** Local stand-in only: cosmosdb-server serves a self-signed certificate. */
  COSMOS_ALLOW_SELF_SIGNED_CERT: bool.default(false),

  /** Blob service of the data account (media, exports); identity-based. */
  DATA_STORAGE__blobServiceUri: z.url(),
  /** Local emulator only (Azurite's well-known account); Azure disables shared keys. */
  DATA_STORAGE_ACCOUNT_NAME: z.string().min(1).optional(),
  DATA_STORAGE_ACCOUNT_KEY: z.string().min(1).optional(),

  /** Service Bus namespace for the completion topic; identity-based (same setting as the triggers). */
  ServiceBusConnection__fullyQualifiedNamespace: z.string().min(1).optional(),
  /**
   * A Service Bus connection string (the Functions convention for a key-based connection).
   * Local runs and tests only (e.g. `...;UseDevelopmentEmulator=true`); Azure disables keys.
   */
  ServiceBusConnection: z.string().min(1).optional(),
  EVENTS_TOPIC: z.string().min(1).default("evaluation-sessions"),

  /** Accepted token issuers (comma-separated), the API audience and the JWKS the keys come from. */
  AUTH_ISSUERS: csv,
  AUTH_AUDIENCE: z.string().min(1),
  AUTH_JWKS_URI: z.url(),
  /** Tenants (`tid`) this deployment serves, comma-separated, or `*` for any tenant of the accepted issuers. */
  AUTH_ALLOWED_TENANTS: csv.default(["*"]),

  /** "Default scores to 100%": off unless the deployment turns it on (Azure deployments do). */
  FEATURE_DEFAULT_SCORES: bool.default(false),
  /**
   * The tenant's export password (a Key Vault reference in Azure, resolved by the platform; one
   * it could not resolve counts as unset). Never logged.
   */
  EXPORT_PASSWORD: z.string().min(8).max(128).optional(),
  /** Worker threads that render pdf and xlsx exports, off the event loop (docs/exports.md). */
  EXPORT_WORKERS: int(1, 8).default(1),
  /** Exports that may wait for a worker; one more is answered 503 DEPENDENCY_UNAVAILABLE. */
  EXPORT_QUEUE_LIMIT: int(0, 100).default(8),

  /**
   * Application Insights: when set, traces go to Azure Monitor (OpenTelemetry, with the managed
   * identity; docs/operations.md); when absent, no telemetry SDK is loaded at all.
   */
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),

  /**
   * How long a request waits for the topic to accept the events its write carried; after that
   * the response goes out and the outbox sweep publishes them (a degraded broker never holds
   * a request for minutes).
   */
  PUBLISH_DEADLINE_MS: int(100, 30_000).default(2_000),
  /** A change to a completed evaluation's answers needs a `reason` (422 REASON_REQUIRED). */
  EDIT_REASON_REQUIRED: bool.default(false),
  /** Days after a version is made during which its agent may dispute it. */
  DISPUTE_WINDOW_DAYS: int(1, 365).default(14),
  /** Disputes a session may receive, withdrawn ones included. */
  DISPUTE_MAX_PER_SESSION: int(1, 20).default(3),
  /** Retries of a throttled (429) or unavailable (503) dependency before answering 503. */
  DEPENDENCY_MAX_RETRIES: int(0, 20).default(5),
  DEPENDENCY_RETRY_AFTER_SECONDS: int(1, 300).default(DEFAULT_RETRY_AFTER_SECONDS),
});

export type Config = Readonly<z.output<typeof settingsSchema>>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid settings:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * App Service hands a Key Vault reference it could not resolve (no access, missing secret) to
 * the app as its literal text, which would pass for a value (an 8–128 character password).
 */
const unresolvedKeyVaultReference = /^\s*@Microsoft\.KeyVault\(/i;

export interface ParsedSettings {
  config: Config;
  /** What start-up should log: each names a setting, never its value. */
  warnings: string[];
}

/**
 * Parses settings from an environment-like record (only the keys the schema names are read).
 * An unresolved Key Vault reference counts as unset, with a warning.
 */
export function readSettings(env: Record<string, string | undefined>): ParsedSettings {
  const input: Record<string, string> = {};
  const warnings: string[] = [];
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = env[key];
    if (value === undefined || value === "") continue;
    if (unresolvedKeyVaultReference.test(value)) {
      warnings.push(
        `${key} is a Key Vault reference the platform could not resolve (check the app's access ` +
          `to the vault and the secret); it is treated as unset.`,
      );
      continue;
    }
    input[key] = value;
  }
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError([
      ...parsed.error.issues.map(
        (issue) => `${issue.path.join(".") || "(settings)"}: ${issue.message}`,
      ),
      ...warnings,
    ]);
  }
  return { config: Object.freeze(parsed.data), warnings };
}

/** The settings alone, for callers that have no log to report warnings to (tests, tools). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  return readSettings(env).config;
}

let current: Config | undefined;

/** The process's settings, parsed on first use from the environment; warnings go to the log. */
export function getConfig(): Config {
  if (!current) {
    const { config, warnings } = readSettings(process.env);
    for (const warning of warnings) console.warn(`settings: ${warning}`);
    current = config;
  }
  return current;
}

/** For hosts and tests that build the settings themselves before any function runs. */
export function setConfig(config: Config): void {
  current = config;
}
