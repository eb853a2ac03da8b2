import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig, settingsSchema } from "../shared/config.js";
import {
  defaultPorts,
  isLoopbackUrl,
  localDefaults,
  localOverrides,
  pickSettings,
  readSettingsFile,
  settingsOf,
} from "./settings.js";

const functionsHostKeys = ["FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage"];

describe("local.settings.example.json", () => {
  const example = readSettingsFile(join(import.meta.dirname, "..", "local.settings.example.json"));

  it("lists every setting of the schema and nothing else", () => {
    const schemaKeys = Object.keys(settingsSchema.shape).sort();
    const exampleKeys = Object.keys(example).filter((k) => !functionsHostKeys.includes(k));
    expect(exampleKeys.sort()).toEqual(schemaKeys);
    expect(example.FUNCTIONS_WORKER_RUNTIME).toBe("node");
    expect(example.AzureWebJobsStorage).toBe("UseDevelopmentStorage=true");
  });

  it("is a valid local configuration", () => {
    expect(() => parseConfig(example)).not.toThrow();
  });

  it("agrees with the values the local host supplies on its default ports", () => {
    const defaults = localDefaults(defaultPorts);
    for (const [key, value] of Object.entries(defaults)) expect(example[key], key).toBe(value);
  });

  it("is a Functions settings file", () => {
    const raw: unknown = JSON.parse(
      readFileSync(join(import.meta.dirname, "..", "local.settings.example.json"), "utf8"),
    );
    expect(raw).toMatchObject({ IsEncrypted: false, Values: expect.any(Object) });
  });
});

describe("local settings", () => {
  it("are valid on their own, so a fresh clone needs no settings file", () => {
    const config = parseConfig(localDefaults({ http: 7071, cosmos: 8081, blob: 10000 }));
    expect(config.COSMOS_ALLOW_SELF_SIGNED_CERT).toBe(true);
    expect(config.AUTH_ISSUERS).toEqual(["http://localhost:7071/api/dev"]);
    expect(config.AUTH_JWKS_URI).toBe("http://localhost:7071/api/dev/jwks");
  });

  it("read a missing settings file as empty and a bad one as an error naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "settings-"));
    expect(readSettingsFile(join(dir, "absent.json"))).toEqual({});
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ nope");
    expect(() => readSettingsFile(bad)).toThrow(/bad\.json is not valid JSON/);
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ Values: { FEATURE_DEFAULT_SCORES: true, X: 1 } }));
    expect(readSettingsFile(good)).toEqual({ FEATURE_DEFAULT_SCORES: "true", X: "1" });
  });

  it("Finding 4: name this machine only as localhost, 127.0.0.1 or [::1]", () => {
    for (const url of ["https://127.0.0.1:8081/", "http://LocalHost:1/", "https://[::1]/"])
      expect(isLoopbackUrl(url), url).toBe(true);
    for (const url of [
      "https://127.0.0.2:8081/",
      "https://data.localhost/",
      "https://localhost.:8081/",
      "https://127.0.0.1.nip.io/",
      "https://qm.documents.azure.com/",
      "127.0.0.1:8081",
    ])
      expect(isLoopbackUrl(url), url).toBe(false);
  });

  it("layer the settings file under the environment, each reduced to the schema's keys", () => {
    const dir = mkdtempSync(join(tmpdir(), "settings-"));
    const file = join(dir, "local.settings.json");
    writeFileSync(
      file,
      JSON.stringify({ Values: { EVENTS_TOPIC: "from-file", EXPORT_PASSWORD: "file", X: "1" } }),
    );
    const environment = { EVENTS_TOPIC: "from-env", EXPORT_PASSWORD: "", PATH: "/bin" };
    expect(localOverrides({ settingsFile: file, environment })).toEqual({
      EVENTS_TOPIC: "from-env",
      EXPORT_PASSWORD: "file",
    });
    expect(localOverrides({ settingsFile: null, environment })).toEqual({
      EVENTS_TOPIC: "from-env",
    });
  });

  it("keep only schema keys with a value", () => {
    expect(
      pickSettings({ FEATURE_DEFAULT_SCORES: "true", EXPORT_PASSWORD: "", PATH: "/bin" }),
    ).toEqual({
      FEATURE_DEFAULT_SCORES: "true",
    });
  });

  it("are written back from a parsed configuration, so another process parses the same", () => {
    const config = parseConfig({
      ...localDefaults({ http: 7071, cosmos: 8081, blob: 10000 }),
      AUTH_ISSUERS: "https://a.example/v2.0, https://b.example/v2.0",
      FEATURE_DEFAULT_SCORES: "true",
      DEPENDENCY_MAX_RETRIES: "2",
    });
    const settings = settingsOf(config);
    expect(settings.AUTH_ISSUERS).toBe("https://a.example/v2.0,https://b.example/v2.0");
    expect(settings.FEATURE_DEFAULT_SCORES).toBe("true");
    expect(settings).not.toHaveProperty("EXPORT_PASSWORD");
    expect(parseConfig(settings)).toEqual(config);
  });
});
