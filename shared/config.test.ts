// The settings schema's treatment of values the platform hands over unresolved.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, parseConfig, readSettings } from "./config.js";

const required = {
  COSMOS__accountEndpoint: "https://qm.documents.azure.com:443/",
  DATA_STORAGE__blobServiceUri: "https://qmdata.blob.core.windows.net/",
  AUTH_ISSUERS: "https://login.microsoftonline.com/tid/v2.0",
  AUTH_AUDIENCE: "00000000-1111-2222-3333-444444444444",
  AUTH_JWKS_URI: "https://login.microsoftonline.com/tid/discovery/v2.0/keys",
};
const reference =
  "@Microsoft.KeyVault(SecretUri=https://kv-secret-vault.vault.azure.net/secrets/export-password)";

describe("unresolved Key Vault references", () => {
  it("F7: an unresolved Key Vault reference is no export password, and start-up says so", () => {
    const { config, warnings } = readSettings({ ...required, EXPORT_PASSWORD: reference });
    expect(config.EXPORT_PASSWORD).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^EXPORT_PASSWORD is a Key Vault reference .* treated as unset/);
    // The warning names the setting, never its value (the vault and secret names).
    expect(warnings.join("\n")).not.toContain("kv-secret-vault");
    expect(warnings.join("\n")).not.toContain("SecretUri");
  });

  it("treats any setting's unresolved reference as unset, whatever its spacing or case", () => {
    const { config, warnings } = readSettings({
      ...required,
      EXPORT_PASSWORD: `  @microsoft.keyvault(VaultName=v;SecretName=s)`,
      DATA_STORAGE_ACCOUNT_KEY: reference,
    });
    expect(config.EXPORT_PASSWORD).toBeUndefined();
    expect(config.DATA_STORAGE_ACCOUNT_KEY).toBeUndefined();
    expect(warnings.map((w) => w.split(" ")[0]).sort()).toEqual([
      "DATA_STORAGE_ACCOUNT_KEY",
      "EXPORT_PASSWORD",
    ]);
  });

  it("fails start-up naming a required setting that is an unresolved reference", () => {
    let error: unknown;
    try {
      parseConfig({ ...required, AUTH_AUDIENCE: reference });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.some((i) => i.startsWith("AUTH_AUDIENCE:"))).toBe(true);
    expect(issues.some((i) => i.startsWith("AUTH_AUDIENCE is a Key Vault reference"))).toBe(true);
    expect(issues.join("\n")).not.toContain("kv-secret-vault");
  });

  it("keeps a resolved password, and a value that only mentions Key Vault, with no warning", () => {
    const { config, warnings } = readSettings({
      ...required,
      EXPORT_PASSWORD: "not @Microsoft.KeyVault(",
    });
    expect(config.EXPORT_PASSWORD).toBe("not @Microsoft.KeyVault(");
    expect(warnings).toEqual([]);
  });
});

describe("getConfig", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of [...Object.keys(required), "EXPORT_PASSWORD"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    vi.restoreAllMocks();
  });

  it("logs each warning once, naming the setting and not its value", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    Object.assign(process.env, required, { EXPORT_PASSWORD: reference });
    // A fresh module: the process's settings are parsed once and then kept.
    vi.resetModules();
    const { getConfig } = await import("./config.js");
    expect(getConfig().EXPORT_PASSWORD).toBeUndefined();
    getConfig();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/EXPORT_PASSWORD/);
    expect(String(warn.mock.calls[0]?.[0])).not.toContain("kv-secret-vault");
  });
});
