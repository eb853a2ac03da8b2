import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { benchNodePackage, deployedNodeMajor, runtimeOf } from "./runtime.js";

describe("the benchmark's runtime", () => {
  it("reads the deployed Node major from infra/main.bicep's default", () => {
    expect(deployedNodeMajor("param other string = '1'\nparam nodeVersion string = '24'\n")).toBe(
      24,
    );
    expect(() => deployedNodeMajor("param nodeVersion string\n")).toThrow(/nodeVersion/);
  });

  it("matches the major version, not the whole version", () => {
    expect(runtimeOf("v22.23.3", 22)).toEqual({
      node: "v22.23.3",
      deployedNodeMajor: 22,
      deployed: true,
    });
    expect(runtimeOf("v20.20.2", 22).deployed).toBe(false);
    expect(runtimeOf("v2.0.0", 22).deployed).toBe(false);
  });

  it("runs bench:node22 on the Node major the service deploys", () => {
    const scripts = (
      JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts["bench:node22"]).toContain(benchNodePackage);
    expect(benchNodePackage).toMatch(new RegExp(`@${deployedNodeMajor()}\\.`));
  });
});
