// The built package served over HTTP in a process of its own, loaded the way the Functions
// worker loads package.json "main": a plain import of the bundle, whose composition reads its
// settings from the environment. Prints one JSON line, `{ port, functions }`, once it listens.
//   node --import tsx test/support/package-host.ts <bundle entry, e.g. dist/index.js>
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { listenFunctions } from "../../dev/serve-functions.js";
import type { FunctionDefinition } from "../../shared/registry.js";

const entry = process.argv[2];
if (!entry) throw new Error("Usage: test/support/package-host.ts <bundle entry>");
const app = (await import(pathToFileURL(resolve(entry)).href)) as {
  registeredFunctions: () => readonly FunctionDefinition[];
};
const definitions = app.registeredFunctions();
// The functions' own log lines, on stderr for the test to show when something fails.
const { url } = await listenFunctions(definitions, (level, ...args) =>
  process.stderr.write(`${level}: ${format(...args)}\n`),
);
process.once("SIGTERM", () => process.exit(0));
const port = Number(new URL(url).port);
console.log(JSON.stringify({ port, functions: definitions.map((d) => d.name) }));
