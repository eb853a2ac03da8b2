import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errorCodes } from "../shared/domain/errors.js";
import { isValidId } from "../shared/domain/ids.js";
import { statusOf } from "../shared/http/problem.js";
import { createTestApp } from "../test/support/harness.js";

// docs/api.md is the project's reference of the contract; the service must agree with it.
const apiMd = readFileSync(new URL("../docs/api.md", import.meta.url), "utf8");

/** `METHOD /path` of every endpoint docs/api.md names, without the /api prefix. */
function documentedEndpoints(): string[] {
  const found = [...apiMd.matchAll(/`(GET|POST|PUT|PATCH|DELETE) \/api(\/[^`\s?]*)/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
  // The local token issuer is the local host's own route, never part of the deployed API.
  return [...new Set(found)].filter((e) => e !== "POST /dev/token").sort();
}

/** The rows of docs/api.md's "Error codes" table: code → status. */
function documentedCodes(): Map<string, number> {
  const section = apiMd.slice(apiMd.indexOf("## Error codes"));
  return new Map(
    [...section.matchAll(/^\| `([A-Z_]+)` +\| (\d{3}) +\|/gm)].map((m) => [m[1]!, Number(m[2])]),
  );
}

describe("GET /api/openapi.json", () => {
  it("documents exactly the endpoints docs/api.md names", async () => {
    const app = await createTestApp();
    const res = await app.call("openapi");
    expect(res.status).toBe(200);
    const documented = Object.entries(res.json.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(documented).toEqual(documentedEndpoints());
  });

  it("declares the request bodies, the problem responses and If-Match where writes need it", async () => {
    const app = await createTestApp();
    const doc = (await app.call("openapi")).json;
    const answers = doc.paths["/sessions/{id}/answers"].put;
    expect(answers.requestBody.content["application/json"].schema).toBeDefined();
    expect(Object.keys(answers.responses)).toEqual(
      expect.arrayContaining(["200", "400", "401", "404", "412", "428"]),
    );
    expect(answers.parameters.map((p: { name: string }) => p.name)).toContain("If-Match");
    const list = doc.paths["/sessions"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["limit", "continuationToken", "status", "archived"]),
    );
    expect(doc.paths["/health"].get.security).toEqual([]);
    expect(doc.paths["/forms"].post["x-roles"]).toEqual(["QM.Administrator"]);
    expect(doc.paths["/sessions/archive"].post["x-roles"]).toEqual([
      "QM.Administrator",
      "QM.Archive",
    ]);
  });
});

// rule-audit finding 14: the OpenAPI document stated the id characters without the reserved
// names; it now states shared/domain/ids.ts's whole rule.
describe("rule audit 14: path ids are documented with the rule the service applies", () => {
  it("gives every path parameter a pattern that accepts exactly the ids isValidId accepts", async () => {
    const doc = (await (await createTestApp()).call("openapi")).json as {
      paths: Record<
        string,
        Record<string, { parameters?: { in: string; schema: { pattern?: string } }[] }>
      >;
    };
    const patterns = new Set(
      Object.values(doc.paths)
        .flatMap((item) => Object.values(item))
        .flatMap((operation) => operation.parameters ?? [])
        .filter((parameter) => parameter.in === "path")
        .map((parameter) => parameter.schema.pattern),
    );
    expect(patterns.size).toBe(1);
    const pattern = new RegExp([...patterns][0] ?? "");
    for (const id of ["a", "s-1_x", "A".repeat(64), "A".repeat(65), "", "a/b", "a.b"]) {
      expect([id, pattern.test(id)]).toEqual([id, isValidId(id)]);
    }
    for (const name of ["__proto__", "constructor", "prototype"]) {
      expect([name, pattern.test(name)]).toEqual([name, false]);
    }
    expect(pattern.test("constructors")).toBe(true);
  });
});

describe("docs/api.md error codes", () => {
  it("lists every code once, with the status the service answers it with", () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual([...errorCodes].sort());
    for (const code of errorCodes)
      expect([code, documented.get(code)]).toEqual([code, statusOf(code)]);
  });
});
