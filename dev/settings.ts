// The local host's settings: built-in local values (the emulators' well-known public account
// values and the local issuer), overridden by a git-ignored local.settings.json, overridden in
// turn by the process environment; then parsed by the one settings schema.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { settingsSchema, type Config } from "../shared/config.js";

/** Azurite's documented development account (public, the same on every machine). */
export const azuriteAccount = {
  name: "devstoreaccount1",
  key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
} as const;

/** The Cosmos DB emulator's documented key; cosmosdb-server accepts any key. */
export const cosmosEmulatorKey =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

export const localAudience = "api://evaluation-sessions";
export const defaultPorts = { http: 7071, cosmos: 8081, blob: 10000 } as const;

export function localIssuer(port: number): string {
  return `http://localhost:${port}/api/dev`;
}

export function localDefaults(ports: {
  http: number;
  cosmos: number;
  blob: number;
}): Record<string, string> {
  return {
    COSMOS__accountEndpoint: `https://127.0.0.1:${ports.cosmos}/`,
    COSMOS_KEY: cosmosEmulatorKey,
    COSMOS_DATABASE: "evaluation-sessions",
    COSMOS_ALLOW_SELF_SIGNED_CERT: "true",
    DATA_STORAGE__blobServiceUri: `http://127.0.0.1:${ports.blob}/${azuriteAccount.name}`,
    DATA_STORAGE_ACCOUNT_NAME: azuriteAccount.name,
    DATA_STORAGE_ACCOUNT_KEY: azuriteAccount.key,
    EVENTS_TOPIC: "evaluation-sessions",
    AUTH_ISSUERS: localIssuer(ports.http),
    AUTH_AUDIENCE: localAudience,
    AUTH_JWKS_URI: `http://localhost:${ports.http}/api/dev/jwks`,
    AUTH_ALLOWED_TENANTS: "*",
  };
}

/**
 * Whether a URL hostname names this machine: exactly `localhost`, `127.0.0.1` or `[::1]`, the
 * names docs/security.md F15 lists. Not the rest of 127.0.0.0/8: the stand-ins listen on
 * 127.0.0.1 and cannot serve another address. Not `*.localhost`: such a name is whatever the
 * resolver answers. What this refuses counts as off this machine, so no stand-in starts for it
 * and the local issuer's token route is not offered in front of it.
 */
export function isLoopbackHostname(hostname: string): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(hostname.toLowerCase());
}

/** Whether a URL names this machine (isLoopbackHostname); not a URL at all: no. */
export function isLoopbackUrl(value: string): boolean {
  return URL.canParse(value) && isLoopbackHostname(new URL(value).hostname);
}

const settingsFileSchema = z.object({
  IsEncrypted: z.boolean().optional(),
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

/** The `Values` of a Functions-style settings file, or nothing when the file does not exist. */
export function readSettingsFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return {};
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = settingsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${path} must look like {"Values": {"NAME": "value"}}.`);
  }
  return Object.fromEntries(Object.entries(parsed.data.Values).map(([k, v]) => [k, String(v)]));
}

/** Only the keys the schema knows, ignoring empty values (the schema treats them as unset). */
export function pickSettings(values: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = values[key];
    if (value !== undefined && value !== "") picked[key] = value;
  }
  return picked;
}

/**
 * What the user set over the local values: the settings file's known keys, overridden by the
 * environment's (the layering `npm start` and the tools beside it share).
 */
export function localOverrides(
  options: {
    /** A Functions-style settings file; `null` reads none. Default `local.settings.json`. */
    settingsFile?: string | null | undefined;
    /** Values that override the file; default the process environment. */
    environment?: Record<string, string | undefined> | undefined;
  } = {},
): Record<string, string> {
  const file =
    options.settingsFile === null
      ? {}
      : readSettingsFile(resolve(options.settingsFile ?? "local.settings.json"));
  return { ...pickSettings(file), ...pickSettings(options.environment ?? process.env) };
}

/** The app settings that parse back to `config`, e.g. for another process to run with them. */
export function settingsOf(config: Config): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    settings[key] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return settings;
}
