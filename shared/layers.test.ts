// The layer rules of .dependency-cruiser.cjs (run by `npm run lint`) refuse what they exist to
// refuse: a tree with one planted violation per rule is cruised with the project's own rules.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cruise, type ICruiseResult, type IConfiguration } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

const config = createRequire(import.meta.url)("../.dependency-cruiser.cjs") as IConfiguration;

const planted: Record<string, string> = {
  "tsconfig.json": JSON.stringify({
    compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true },
  }),
  // domain -> adapter
  "shared/domain/rule.ts":
    'import { store } from "../adapters/store.js";\nexport const rule = store;\n',
  "shared/adapters/store.ts": "export const store = 1;\n",
  // a cycle inside app
  "shared/app/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
  "shared/app/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
  // app -> http
  "shared/app/uses-http.ts": 'import { view } from "../http/view.js";\nexport const x = view;\n',
  "shared/http/view.ts": "export const view = 1;\n",
  // production -> test support
  "functions/handler.ts":
    'import { fixture } from "../test/support/fixture.js";\nexport const h = fixture;\n',
  "test/support/fixture.ts": "export const fixture = 1;\n",
  // a clean module next to them
  "shared/domain/clean.ts": "export const clean = 1;\n",
};

const root = mkdtempSync(join(tmpdir(), "layers-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function violations(): Promise<{ rule: string; from: string; to: string }[]> {
  for (const [path, text] of Object.entries(planted)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = await cruise(["shared", "functions"], {
    ...config.options,
    validate: true,
    ruleSet: { forbidden: config.forbidden ?? [] },
    baseDir: root,
    tsConfig: { fileName: join(root, "tsconfig.json") },
  });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe("the layer rules", () => {
  it("refuse a domain -> adapter import, a cycle, app -> http and production -> test support", async () => {
    const found = await violations();
    expect(found).toEqual(
      expect.arrayContaining([
        { rule: "domain-is-pure", from: "shared/domain/rule.ts", to: "shared/adapters/store.ts" },
        expect.objectContaining({ rule: "no-circular", from: "shared/app/a.ts" }),
        { rule: "app-speaks-no-http", from: "shared/app/uses-http.ts", to: "shared/http/view.ts" },
        {
          rule: "production-not-to-test-support",
          from: "functions/handler.ts",
          to: "test/support/fixture.ts",
        },
      ]),
    );
    expect(found.filter((v) => v.from === "shared/domain/clean.ts")).toEqual([]);
  }, 60_000);
});
