// Drift between the Bicep and the code: the app settings Bicep writes against the settings
// schema, the Cosmos containers, the blob containers, and the Service Bus topic, subscriptions
// and filters against what the code registers. No Bicep compiler here: the templates keep these
// facts in fixed shapes that infra/bicep-text.ts reads (and rejects when the shape breaks).
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { blobContainers } from "../shared/adapters/blob/client.js";
import { containerDefinitions } from "../shared/adapters/cosmos/containers.js";
import { settingsSchema } from "../shared/config.js";
import { eventTypes } from "../shared/domain/events.js";
import { registeredFunctions, type ServiceBusFunctionDefinition } from "../shared/registry.js";
import {
  BicepShapeError,
  parseFlatObjectVar,
  parseObjectArrayVar,
  parseStringArrayVar,
  resolveString,
  stringLiteral,
  stringVars,
} from "./bicep-text.js";

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), "utf8");
const mainBicep = read("./main.bicep");
const functionAppBicep = read("./modules/functionapp.bicep");
const cosmosBicep = read("./modules/cosmos.bicep");
const serviceBusBicep = read("./modules/servicebus.bicep");
const dataStorageBicep = read("./modules/data-storage.bicep");
const runtimeStorageBicep = read("./modules/runtime-storage.bicep");
const alertsBicep = read("./modules/alerts.bicep");
const allBicep = [
  mainBicep,
  ...readdirSync(new URL("./modules/", import.meta.url))
    .filter((file) => file.endsWith(".bicep"))
    .map((file) => read(`./modules/${file}`)),
];

// ---------- the classification of every setting ----------

/**
 * Settings the Functions host, its extensions or the Azure SDK read, not shared/config.ts.
 * This is the ONE allow-list for app settings Bicep may write that the code's schema lacks.
 */
const HOST_READ_SETTINGS: readonly (string | RegExp)[] = [
  // Functions host runtime storage, identity-based (__accountName, __credential, __clientId).
  /^AzureWebJobsStorage__/,
  // The host's own telemetry signs in with the managed identity by this string (the app's
  // exporter takes the identity from shared/adapters/telemetry.ts).
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  // Host settings (Flex Consumption sets the runtime in functionAppConfig, so none today).
  /^FUNCTIONS_/,
  // The Service Bus trigger binding's connection "ServiceBusConnection" (__credential,
  // __clientId); its __fullyQualifiedNamespace is also in the schema (the publisher reads it).
  /^ServiceBusConnection__/,
  // @azure/identity's DefaultAzureCredential: which user-assigned identity to use.
  "AZURE_CLIENT_ID",
];

/**
 * Local-only: the emulators' keys and flags. Azure disables keys, so Bicep must never set these.
 */
const LOCAL_ONLY_SETTINGS = [
  "COSMOS_KEY",
  "COSMOS_ALLOW_SELF_SIGNED_CERT",
  "DATA_STORAGE_ACCOUNT_NAME",
  "DATA_STORAGE_ACCOUNT_KEY",
  "ServiceBusConnection", // a connection string (keys); Azure uses ServiceBusConnection__*
];

/** Defaults that are right in Azure, so Bicep may leave them out. */
const DEFAULTS_ACCEPTED_IN_AZURE = [
  "DEPENDENCY_MAX_RETRIES", // 5 SDK retries of a 429/503 before answering 503
  "DEPENDENCY_RETRY_AFTER_SECONDS", // the Retry-After of that 503
  "PUBLISH_DEADLINE_MS", // 2 s for a request's publish; the sweep sends what misses it
  "DISPUTE_WINDOW_DAYS", // 14 days to dispute a version
  "DISPUTE_MAX_PER_SESSION", // 3 disputes per session
  "EXPORT_WORKERS", // 1 export thread beside the event loop
  "EXPORT_QUEUE_LIMIT", // 8 exports waiting before an export answers 503
];

/** Optional (or defaulted) in the schema, because local runs differ, but Bicep must set them. */
const SET_IN_AZURE = [
  "COSMOS_DATABASE", // the database Bicep creates (equal to the default; set so both agree)
  "ServiceBusConnection__fullyQualifiedNamespace", // optional only for local in-process topic runs
  "EVENTS_TOPIC", // the topic Bicep creates
  "AUTH_ALLOWED_TENANTS", // the default "*" would accept every tenant of the issuers
  "FEATURE_DEFAULT_SCORES", // off by default, on in Azure deployments
  "EXPORT_PASSWORD", // a Key Vault reference, or empty when the tenant configured none
  "EDIT_REASON_REQUIRED", // the deployment's choice (a parameter), written either way
  "APPLICATIONINSIGHTS_CONNECTION_STRING", // traces to Application Insights (docs/operations.md)
];

const schemaKeys = Object.keys(settingsSchema.shape);
type SchemaKey = keyof typeof settingsSchema.shape;
const isSchemaKey = (key: string): key is SchemaKey => key in settingsSchema.shape;
const isRequired = (key: SchemaKey) => !settingsSchema.shape[key].safeParse(undefined).success;
const isHostRead = (key: string) =>
  HOST_READ_SETTINGS.some((entry) => (typeof entry === "string" ? entry === key : entry.test(key)));

const bicepSettings = parseFlatObjectVar(functionAppBicep, "appSettings");

// ---------- what the code registers ----------

// Import every function file (not only those functions/index.ts lists) so each registration
// is seen, then read them from the registry.
const functionsDir = new URL("../functions/", import.meta.url);
for (const file of readdirSync(functionsDir).sort()) {
  if (!file.endsWith(".ts") || file.endsWith(".test.ts") || file === "index.ts") continue;
  await import(pathToFileURL(fileURLToPath(new URL(file, functionsDir))).href);
}
const consumers = registeredFunctions().filter(
  (f): f is ServiceBusFunctionDefinition => f.kind === "serviceBus",
);

const serviceBusVars = stringVars(serviceBusBicep);
const bicepTopic = serviceBusVars.get("topicName");
const bicepRules = parseObjectArrayVar(serviceBusBicep, "subjectRules").map((item) => ({
  subscription: resolveString(item.get("subscription") ?? "", serviceBusVars),
  subject: resolveString(item.get("subject") ?? "", serviceBusVars),
}));
const bicepSubscriptions = parseStringArrayVar(serviceBusBicep, "subscriptions").map((name) => ({
  name,
  subjects: bicepRules.filter((r) => r.subscription === name).map((r) => r.subject),
}));

// ---------- tests ----------

describe("the Bicep reader (infra/bicep-text.ts)", () => {
  const sample = [
    "param x string",
    "var appSettings = {",
    "  // a comment line",
    "  ALPHA: 'one' // trailing comment",
    "",
    "  Beta__gamma: someParam",
    "  URL: 'https://example.test/a' // the // in the URL stays",
    "}",
    "var other = {",
    "  NOT_MINE: 'x'",
    "}",
  ].join("\n");

  it("reads one entry per line and stops at the block's closing brace", () => {
    const entries = parseFlatObjectVar(sample, "appSettings");
    expect([...entries.entries()]).toEqual([
      ["ALPHA", "'one'"],
      ["Beta__gamma", "someParam"],
      ["URL", "'https://example.test/a'"],
    ]);
  });

  it("rejects what it cannot read reliably instead of skipping it", () => {
    const wrap = (body: string) => `var appSettings = {\n${body}\n}`;
    expect(() => parseFlatObjectVar(wrap("  A: 'x'\n  A: 'y'"), "appSettings")).toThrow(
      /set twice/,
    );
    expect(() => parseFlatObjectVar(wrap("  A: {\n  }"), "appSettings")).toThrow(BicepShapeError);
    expect(() => parseFlatObjectVar(wrap("  A: 'x', B: 'y'"), "appSettings")).toThrow(
      BicepShapeError,
    );
    expect(() => parseFlatObjectVar(wrap("  A: 'unterminated"), "appSettings")).toThrow(
      /not one complete value/,
    );
    expect(() => parseFlatObjectVar(wrap("  'quoted-key': 'x'"), "appSettings")).toThrow(
      /not a "key: value" line/,
    );
    expect(() => parseFlatObjectVar("var appSettings = union(a, b)", "appSettings")).toThrow(
      /no "var appSettings = \{" line/,
    );
  });

  it("resolves string literals and string vars, and reads arrays of flat objects", () => {
    const text = [
      "var kind = 'com.example.done.v1'",
      "var items = [",
      "  {",
      "    name: 'first'",
      "    filter: kind",
      "  }",
      "  {",
      "    name: 'it\\'s'",
      "    filter: 'literal'",
      "  }",
      "]",
    ].join("\n");
    const vars = stringVars(text);
    const items = parseObjectArrayVar(text, "items").map((item) => ({
      name: resolveString(item.get("name") ?? "", vars),
      filter: resolveString(item.get("filter") ?? "", vars),
    }));
    expect(items).toEqual([
      { name: "first", filter: "com.example.done.v1" },
      { name: "it's", filter: "literal" },
    ]);
    expect(() => resolveString("unknownVar", vars)).toThrow(BicepShapeError);
    expect(stringLiteral("notAString")).toBeUndefined();
  });
});

describe("app settings: Bicep against shared/config.ts", () => {
  it("sets every setting the code needs in Azure", () => {
    const needed = schemaKeys.filter(
      (key) => (isSchemaKey(key) && isRequired(key)) || SET_IN_AZURE.includes(key),
    );
    const missing = needed.filter((key) => !bicepSettings.has(key));
    expect(
      missing,
      "settings the code needs that infra/modules/functionapp.bicep does not set",
    ).toEqual([]);
  });

  it("sets nothing the code never reads, except the host-read allow-list", () => {
    const unread = [...bicepSettings.keys()].filter((key) => !isSchemaKey(key) && !isHostRead(key));
    expect(unread, "app settings nobody reads (remove them, or add a reader)").toEqual([]);
  });

  it("never sets a local-only setting (keys, connection strings, emulator flags)", () => {
    const leaked = LOCAL_ONLY_SETTINGS.filter((key) => bicepSettings.has(key));
    expect(leaked).toEqual([]);
  });

  it("classifies every optional or defaulted setting exactly once, and only real ones", () => {
    const lists = { LOCAL_ONLY_SETTINGS, DEFAULTS_ACCEPTED_IN_AZURE, SET_IN_AZURE };
    const problems: string[] = [];
    for (const [listName, list] of Object.entries(lists)) {
      for (const key of list) {
        if (!isSchemaKey(key)) problems.push(`${listName} names ${key}, which the schema lacks`);
        else if (isRequired(key) && listName !== "SET_IN_AZURE")
          problems.push(`${listName} names ${key}, which the schema requires`);
      }
    }
    for (const key of schemaKeys) {
      if (!isSchemaKey(key) || isRequired(key)) continue;
      const homes = Object.entries(lists).filter(([, list]) => list.includes(key));
      if (homes.length !== 1)
        problems.push(
          `${key} is optional or defaulted: put it in exactly one of ${Object.keys(lists).join(", ")} (now: ${homes.map(([n]) => n).join(", ") || "none"})`,
        );
    }
    expect(problems).toEqual([]);
  });

  it("only accepts defaults that exist", () => {
    for (const key of DEFAULTS_ACCEPTED_IN_AZURE) {
      if (!isSchemaKey(key)) throw new Error(`${key} is not a setting`);
      expect(settingsSchema.shape[key].safeParse(undefined).success, key).toBe(true);
    }
  });

  it("writes literal values the schema accepts, and turns Default scores on", () => {
    for (const [key, source] of bicepSettings) {
      const literal = stringLiteral(source);
      if (literal === undefined || !isSchemaKey(key)) continue;
      expect(settingsSchema.shape[key].safeParse(literal).success, `${key}: ${source}`).toBe(true);
    }
    expect(bicepSettings.get("FEATURE_DEFAULT_SCORES")).toBe("'true'");
  });

  it("uses identity-based connections with the app's user-assigned identity", () => {
    expect(bicepSettings.get("AzureWebJobsStorage__credential")).toBe("'managedidentity'");
    for (const key of ["AZURE_CLIENT_ID", "AzureWebJobsStorage__clientId"])
      expect(bicepSettings.get(key), key).toBe("identityClientId");
    const connections = new Set(consumers.map((c) => c.connection));
    expect(connections.size).toBeGreaterThan(0);
    for (const connection of connections) {
      expect(bicepSettings.has(`${connection}__fullyQualifiedNamespace`), connection).toBe(true);
      expect(bicepSettings.get(`${connection}__credential`), connection).toBe("'managedidentity'");
      expect(bicepSettings.get(`${connection}__clientId`), connection).toBe("identityClientId");
      expect(isHostRead(`${connection}__credential`), connection).toBe(true);
    }
  });

  it("hands EXPORT_PASSWORD over as a Key Vault reference, never a value", () => {
    expect(bicepSettings.get("EXPORT_PASSWORD")).toBe("exportPasswordReference");
    expect(mainBicep).toMatch(
      /exportPasswordReference: empty\(exportPassword\) \? '' : '@Microsoft\.KeyVault\(SecretUri=\$\{keyVault\.outputs\.exportItemUri\}\)'/,
    );
  });

  it("puts no key, connection string or listKeys() anywhere in the templates", () => {
    for (const text of allBicep) {
      expect(text).not.toMatch(/listKeys\(|listConnectionStrings\(|AccountKey=|SharedAccessKey/);
    }
  });
});

describe("who gets data access", () => {
  /** Each `module <name> 'modules/rbac-data.bicep' = ...` of main.bicep: its header and principalId. */
  const dataRoleModules = [
    ...mainBicep.matchAll(/^module (\w+) 'modules\/rbac-data\.bicep' = (.*)\{\n([\s\S]*?)^\}$/gm),
  ].map(([, name = "", condition = "", body = ""]) => ({
    name,
    condition: condition.trim(),
    principalId: /^\s+principalId: (.+)$/m.exec(body)?.[1],
  }));

  it("F6: grants the deploying principal data-plane roles only when asked (off by default)", () => {
    expect(mainBicep).toMatch(/^param grantDeployerDataAccess string = 'false'$/m);
    const parameters = z
      .object({ parameters: z.record(z.string(), z.object({ value: z.unknown() })) })
      .parse(JSON.parse(read("./main.parameters.json")));
    expect(parameters.parameters.grantDeployerDataAccess?.value).toBe(
      "${GRANT_DEPLOYER_DATA_ACCESS}",
    );
    expect(dataRoleModules.map((m) => m.name).sort()).toEqual([
      "appDataRoles",
      "deployerDataRoles",
    ]);
    for (const module of dataRoleModules) {
      if (module.principalId === "identity.outputs.principalId") continue;
      expect(module.condition, module.name).toMatch(/^if \(grantDeployerDataAccess == 'true' && /);
    }
  });
});

describe("the Functions package (.funcignore)", () => {
  const root = new URL("../", import.meta.url);

  /** The .funcignore patterns, each as a test of a repository-relative path (gitignore rules). */
  const ignorePatterns = read("../.funcignore")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((pattern) => {
      if (pattern.startsWith("!")) throw new Error(`negation is not read here: ${pattern}`);
      const body = pattern.replace(/\/$/, "");
      // A slash before the end anchors the pattern at the root; otherwise it matches at any depth.
      const anchored = body.slice(0, -1).includes("/") && !body.startsWith("**/");
      const glob = body
        .replace(/^\//, "")
        .split(/(\*\*\/|\*|\?)/)
        .map((part) =>
          part === "**/"
            ? "(?:.*/)?"
            : part === "*"
              ? "[^/]*"
              : part === "?"
                ? "[^/]"
                : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
      return new RegExp(`^${anchored ? "" : "(?:.*/)?"}${glob}$`);
    });

  /** Left out when a pattern matches the path or one of its folders. */
  const isLeftOut = (path: string) => {
    const parts = path.split("/");
    return parts.some((_, i) => {
      const prefix = parts.slice(0, i + 1).join("/");
      return ignorePatterns.some((pattern) => pattern.test(prefix));
    });
  };

  const sources = (folder: string): string[] =>
    readdirSync(new URL(`${folder}/`, root), { recursive: true, encoding: "utf8" })
      .map((file) => `${folder}/${file.replaceAll("\\", "/")}`)
      .filter((file) => file.endsWith(".ts"));

  it("F16: keeps everything the remote build needs", () => {
    const needed = [
      "package.json",
      "package-lock.json",
      "host.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "scripts/build.ts",
      ...sources("functions").filter((file) => !file.endsWith(".test.ts")),
      ...sources("shared").filter((file) => !file.endsWith(".test.ts")),
    ];
    expect(needed.filter(isLeftOut)).toEqual([]);
  });

  it("F16: leaves out local data, secrets, history, tests and tooling", () => {
    const unwanted = [
      ".git/HEAD",
      ".azure/prod/.env",
      ".data/integration-host.log",
      "local.settings.json",
      "node_modules/zod/package.json",
      "dist/index.js",
      "coverage/index.html",
      ...sources("functions").filter((file) => file.endsWith(".test.ts")),
      ...sources("shared").filter((file) => file.endsWith(".test.ts")),
      ...sources("test"),
      ...sources("dev"),
      ...sources("bench"),
      ...sources("faults"),
      "infra/main.bicep",
      "docs/api.md",
      "scripts/generate-event-schemas.ts",
    ];
    expect(unwanted.filter((path) => !isLeftOut(path))).toEqual([]);
  });
});

describe("hardening of the deployed resources", () => {
  /** The body of each top-level `resource <name> '<type>@<version>' = {` ... `}` of a template. */
  const resources = (text: string, type: string) =>
    [...text.matchAll(/^resource (\w+) '([^'@]+)@[^']+' = (?:if \(.*\) )?\{\n([\s\S]*?)^\}$/gm)]
      .filter(([, , resourceType]) => resourceType === type)
      .map(([, name = "", , body = ""]) => ({ name, body }));

  /** The categories a diagnostic setting body turns on. */
  const enabledCategories = (body: string) =>
    [...body.matchAll(/category: '(\w+)'\n\s+enabled: true$/gm)].map(([, category]) => category);

  const diagnostics = (text: string) => {
    const settings = resources(text, "Microsoft.Insights/diagnosticSettings");
    expect(settings).toHaveLength(1);
    const [setting] = settings;
    expect(setting?.body).toMatch(/^\s+workspaceId: logAnalyticsWorkspaceId$/m);
    return setting!;
  };

  it("F16: turns FTP and SCM basic-auth publishing off", () => {
    const policies = resources(
      functionAppBicep,
      "Microsoft.Web/sites/basicPublishingCredentialsPolicies",
    );
    expect(policies.map((p) => /^\s+name: '(\w+)'$/m.exec(p.body)?.[1]).sort()).toEqual([
      "ftp",
      "scm",
    ]);
    for (const policy of policies) {
      expect(policy.body, policy.name).toMatch(/^\s+parent: app$/m);
      expect(policy.body, policy.name).toMatch(/^\s+allow: false$/m);
    }
  });

  it("F16: sends Cosmos DB data-plane requests to Log Analytics", () => {
    const setting = diagnostics(cosmosBicep);
    expect(setting.body).toMatch(/^\s+scope: account$/m);
    expect(enabledCategories(setting.body)).toContain("DataPlaneRequests");
  });

  it("F16: sends every blob read, write and delete to Log Analytics", () => {
    const setting = diagnostics(dataStorageBicep);
    expect(setting.body).toMatch(/^\s+scope: blobService$/m);
    expect(enabledCategories(setting.body).sort()).toEqual([
      "StorageDelete",
      "StorageRead",
      "StorageWrite",
    ]);
  });

  it("F16: sends the Service Bus namespace's operational logs to Log Analytics", () => {
    const setting = diagnostics(serviceBusBicep);
    expect(setting.body).toMatch(/^\s+scope: namespace$/m);
    expect(enabledCategories(setting.body)).toContain("OperationalLogs");
  });

  it("F16: hands each of those modules the workspace of the monitoring module", () => {
    expect(read("./modules/monitoring.bicep")).toMatch(
      /^output workspaceId string = workspace\.id$/m,
    );
    for (const module of ["cosmos", "dataStorage", "serviceBus"]) {
      const block = new RegExp(`^module ${module} '[^']+' = \\{\\n([\\s\\S]*?)^\\}$`, "m").exec(
        mainBicep,
      )?.[1];
      expect(block, module).toMatch(
        /^\s+logAnalyticsWorkspaceId: monitoring\.outputs\.workspaceId$/m,
      );
    }
  });
});

describe("Cosmos DB: Bicep against shared/adapters/cosmos/containers.ts", () => {
  const bicepContainers: unknown = JSON.parse(read("./modules/cosmos-containers.json"));

  it("creates exactly the code's containers, with the same partition keys, indexes and TTL", () => {
    // JSON round trip: the code's definitions as ARM would receive them (no undefined fields).
    const expected: unknown = JSON.parse(
      JSON.stringify(
        Object.values(containerDefinitions).map((c) => ({
          id: c.id,
          partitionKey: c.partitionKey,
          indexingPolicy: c.indexingPolicy,
          defaultTtl: c.defaultTtl,
        })),
      ),
    );
    expect(bicepContainers).toEqual(expected);
  });

  it("passes the definitions through unchanged and keeps keys off", () => {
    expect(cosmosBicep).toContain("var containers = loadJsonContent('cosmos-containers.json')");
    expect(cosmosBicep).toContain("partitionKey: container.partitionKey");
    expect(cosmosBicep).toContain("indexingPolicy: container.indexingPolicy");
    expect(cosmosBicep).toMatch(/defaultTtl: container\.defaultTtl/);
    expect(cosmosBicep).toMatch(/^\s+disableLocalAuth: true$/m);
  });

  it("creates the database the code's default names", () => {
    expect(stringVars(mainBicep).get("cosmosDatabaseName")).toBe(
      settingsSchema.shape.COSMOS_DATABASE.parse(undefined),
    );
  });
});

describe("Blob Storage: Bicep against shared/adapters/blob/client.ts", () => {
  it("creates the code's containers and expires exports under the exports container", () => {
    expect(parseStringArrayVar(dataStorageBicep, "containerNames").sort()).toEqual(
      Object.values(blobContainers).sort(),
    );
    expect(dataStorageBicep).toContain(`'${blobContainers.exports}/'`);
  });

  it("F4: keeps overwritten media as versions and deleted blobs and containers restorable", () => {
    expect(dataStorageBicep).toMatch(/^\s+isVersioningEnabled: true$/m);
    for (const policy of ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"]) {
      expect(dataStorageBicep, policy).toMatch(
        new RegExp(
          `^\\s+${policy}: \\{\\n\\s+enabled: true\\n\\s+days: softDeleteRetentionDays\\n`,
          "m",
        ),
      );
    }
    expect(dataStorageBicep).toMatch(/^param softDeleteRetentionDays int = \d+$/m);
    // Versioning must not keep exports (personal data) past their retention.
    expect(dataStorageBicep).toMatch(
      /version: \{\n\s+delete: \{\n\s+daysAfterCreationGreaterThan: 0\n/,
    );
  });

  it("turns shared keys and public access off on both accounts", () => {
    for (const text of [dataStorageBicep, runtimeStorageBicep]) {
      expect(text).toMatch(/^\s+allowSharedKeyAccess: false$/m);
      expect(text).toMatch(/^\s+allowBlobPublicAccess: false$/m);
      expect(text).toMatch(/^\s+minimumTlsVersion: 'TLS1_2'$/m);
      expect(text).toMatch(/^\s+supportsHttpsTrafficOnly: true$/m);
    }
  });
});

describe("Service Bus: Bicep against the code's topic, subscriptions and filters", () => {
  it("creates the topic the code publishes to", () => {
    expect(bicepTopic).toBe(settingsSchema.shape.EVENTS_TOPIC.parse(undefined));
    expect(bicepSettings.get("EVENTS_TOPIC")).toBe("eventsTopicName");
  });

  it("creates the subscriptions docs/api.md names, each filtered on its event types", () => {
    expect(bicepSubscriptions).toEqual([
      { name: "tagging", subjects: [eventTypes.completed] },
      {
        name: "notifications",
        subjects: [eventTypes.completed, eventTypes["dispute-resolved"]],
      },
      {
        name: "analytics",
        subjects: [eventTypes.completed, eventTypes.rescored, eventTypes.archived],
      },
    ]);
  });

  it("matches every registered consumer's topic, subscription and subject filter", () => {
    const mismatches = consumers.flatMap((consumer) => {
      const bicep = bicepSubscriptions.find((s) => s.name === consumer.subscriptionName);
      // The trigger binds the topic through the EVENTS_TOPIC setting, which Bicep sets to its topic.
      if (consumer.topicName !== "%EVENTS_TOPIC%")
        return [`${consumer.name}: topic ${consumer.topicName}, not the EVENTS_TOPIC setting`];
      if (!bicep)
        return [`${consumer.name}: Bicep has no subscription ${consumer.subscriptionName}`];
      const code = [...(consumer.subjectFilters ?? [])].sort().join(", ");
      const bicepSubjects = [...bicep.subjects].sort().join(", ");
      if (code !== bicepSubjects)
        return [`${consumer.name}: subjects ${code || "(all)"}, Bicep ${bicepSubjects}`];
      return [];
    });
    expect(mismatches).toEqual([]);
  });

  it("alerts on a dead-lettered message of the events topic (docs/operations.md)", () => {
    const alertsModule = /module alerts 'modules\/alerts\.bicep' = \{[\s\S]*?\n\}/.exec(
      mainBicep,
    )?.[0];
    expect(alertsModule).toMatch(/namespaceName: serviceBus\.outputs\.namespaceName/);
    expect(alertsModule).toMatch(/topicName: serviceBus\.outputs\.topicName/);
    expect(alertsBicep).toMatch(/metricNamespace: 'Microsoft\.ServiceBus\/namespaces'/);
    expect(alertsBicep).toMatch(/metricName: 'DeadletteredMessages'/);
    expect(alertsBicep).toMatch(/name: 'EntityName'[\s\S]*?values: \[\s*topicName\s*\]/);
    expect(alertsBicep).toMatch(
      /operator: 'GreaterThan'\s+threshold: 0\s+timeAggregation: 'Maximum'/,
    );
  });

  it("sends the app's traces to the Application Insights it creates", () => {
    expect(bicepSettings.get("APPLICATIONINSIGHTS_CONNECTION_STRING")).toBe(
      "applicationInsightsConnectionString",
    );
    expect(mainBicep).toMatch(
      /applicationInsightsConnectionString: monitoring\.outputs\.connectionString/,
    );
  });

  it("has a consumer in the code for every subscription it creates", () => {
    const consumed = new Set(consumers.map((c) => c.subscriptionName));
    expect(bicepSubscriptions.map((s) => s.name).filter((name) => !consumed.has(name))).toEqual([]);
  });

  it("keeps duplicate detection, dead-lettering and Entra-only access", () => {
    expect(serviceBusBicep).toMatch(/^\s+requiresDuplicateDetection: true$/m);
    expect(serviceBusBicep).toMatch(/^\s+maxDeliveryCount: 10$/m);
    expect(serviceBusBicep).toMatch(/^\s+deadLetteringOnMessageExpiration: true$/m);
    expect(serviceBusBicep).toMatch(/^\s+disableLocalAuth: true$/m);
    expect(serviceBusBicep).toMatch(/label: rule\.subject/);
  });
});
