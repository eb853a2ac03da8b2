// Drift between the Bicep and the code: the app settings Bicep writes against the settings
// schema, the Cosmos containers, the blob containers, and the Service Bus topic, subscriptions
// and filters against what the code registers. No Bicep compiler here: the templates keep these
// facts in fixed shapes that infra/bicep-text.ts reads (and rejects when the shape breaks).
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
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
  // Host telemetry; the authentication string makes ingestion use the managed identity.
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
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
const bicepSubscriptions = parseObjectArrayVar(serviceBusBicep, "subscriptions").map((item) => ({
  name: resolveString(item.get("name") ?? "", serviceBusVars),
  subjectFilter: resolveString(item.get("subjectFilter") ?? "", serviceBusVars),
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

  it("creates the subscriptions docs/api.md names, each filtered on the completed event", () => {
    expect(bicepSubscriptions).toEqual([
      { name: "tagging", subjectFilter: eventTypes.completed },
      { name: "notifications", subjectFilter: eventTypes.completed },
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
      if (consumer.subjectFilter !== bicep.subjectFilter)
        return [
          `${consumer.name}: filter ${consumer.subjectFilter ?? "(none)"}, Bicep ${bicep.subjectFilter}`,
        ];
      return [];
    });
    expect(mismatches).toEqual([]);
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
    expect(serviceBusBicep).toMatch(/label: subscription\.subjectFilter/);
  });
});
