// Hostile input over real HTTP against the local host (cosmosdb-server, Azurite): the transport
// and routing layers the unit fuzz (functions/fuzz.test.ts) cannot reach. Each refusal is a 4xx
// problem+json, and the tenant's data is what it was before.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { customerCare } from "./support/domain-fixtures.js";
import { api, expectProblem, tokenFor } from "./support/http.js";

const tenantId = `hostile-${randomUUID().slice(0, 8)}`;
let token: string;
let otherToken: string;

async function formIds(): Promise<string[]> {
  const res = await api<{ items: { id: string }[] }>("forms?limit=200", { token });
  expect(res.status).toBe(200);
  return res.json.items.map((f) => f.id).sort();
}

describe("hostile input over HTTP", () => {
  let before: string[];
  let pageToken: string;

  beforeAll(async () => {
    token = await tokenFor({ tenantId, userId: "admin-1", roles: ["QM.Administrator"] });
    otherToken = await tokenFor({
      tenantId: `${tenantId}-b`,
      userId: "admin-2",
      roles: ["QM.Administrator"],
    });
    for (const name of ["Form A", "Form B"]) {
      const res = await api("forms", { method: "POST", token, body: { ...customerCare, name } });
      expect(res.status).toBe(201);
    }
    before = await formIds();
    const first = await api<{ continuationToken: string | null }>("forms?limit=1", { token });
    expect(typeof first.json.continuationToken).toBe("string");
    pageToken = first.json.continuationToken ?? "";
  });

  it("refuses an oversized body (413) and keeps serving", async () => {
    const big = new TextEncoder().encode(
      JSON.stringify({ ...customerCare, name: "x".repeat(2_000_000) }),
    );
    expectProblem(
      await api("forms", {
        method: "POST",
        token,
        body: big,
        headers: { "content-type": "application/json" },
      }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    expect((await api("health")).status).toBe(200);
  });

  it("refuses invalid UTF-8 and a body that is not JSON (400) and another media type (415)", async () => {
    const text = new TextEncoder().encode(JSON.stringify(customerCare));
    const bad = new Uint8Array([...text.slice(0, 10), 0xff, 0xfe, ...text.slice(10)]);
    const json = { "content-type": "application/json" };
    expectProblem(
      await api("forms", { method: "POST", token, body: bad, headers: json }),
      400,
      "VALIDATION_FAILED",
    );
    expectProblem(
      await api("forms", { method: "POST", token, body: "{", headers: json }),
      400,
      "VALIDATION_FAILED",
    );
    const nested = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expectProblem(
      await api("forms", { method: "POST", token, body: nested, headers: json }),
      400,
      "VALIDATION_FAILED",
    );
    expectProblem(
      await api("forms", {
        method: "POST",
        token,
        body: JSON.stringify(customerCare),
        headers: { "content-type": "text/plain" },
      }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it.each([
    "..%2F..%2Fforms",
    "..%2F..",
    "a%2Fb",
    "%2e%2e",
    "__proto__",
    "constructor",
    "prototype",
    "%00",
    "a%20b",
    "x".repeat(65),
  ])("answers 404 NOT_FOUND for the path id %s", async (id) => {
    expectProblem(await api(`forms/${id}`, { token }), 404, "NOT_FOUND");
    expectProblem(await api(`sessions/${id}`, { token }), 404, "NOT_FOUND");
    const put = await api(`sessions/${id}/answers`, {
      method: "PUT",
      token,
      headers: { "if-match": '"1"' },
      body: { answers: {} },
    });
    expectProblem(put, 404, "NOT_FOUND");
  });

  it("refuses a continuation token that was tampered with or belongs elsewhere (400)", async () => {
    const flipped = `${pageToken.slice(0, 20)}${pageToken[20] === "A" ? "B" : "A"}${pageToken.slice(21)}`;
    for (const [path, as] of [
      [`forms?continuationToken=${flipped}`, token],
      [`forms?continuationToken=${pageToken.slice(0, -3)}`, token],
      [`forms?continuationToken=${pageToken}%3D`, token],
      [`forms?continuationToken=${"A".repeat(8193)}`, token],
      [`forms?continuationToken=${pageToken}`, otherToken],
      [`interactions?continuationToken=${pageToken}`, token],
      [`forms?limit=1&limit=2`, token],
    ] as const) {
      const res = await api(path, { token: as });
      expectProblem(res, 400, "VALIDATION_FAILED");
    }
    // The genuine token still works for its own query and tenant.
    expect((await api(`forms?limit=1&continuationToken=${pageToken}`, { token })).status).toBe(200);
  });

  it("refuses prototype keys in bodies (400) and answers a query of them without a 5xx", async () => {
    const polluted = `{"__proto__":{"polluted":true},${JSON.stringify(customerCare).slice(1)}`;
    expectProblem(
      await api("forms", {
        method: "POST",
        token,
        body: polluted,
        headers: { "content-type": "application/json" },
      }),
      400,
      "VALIDATION_FAILED",
    );
    const withConstructor = {
      ...customerCare,
      groups: [{ ...customerCare.groups[0], id: "constructor" }],
    };
    expectProblem(
      await api("forms", { method: "POST", token, body: withConstructor }),
      400,
      "VALIDATION_FAILED",
    );
    const query = await api("forms?__proto__[polluted]=1&constructor[prototype][polluted]=1", {
      token,
    });
    expect(query.status).toBeLessThan(500);
  });

  it("leaves the tenant's forms exactly as they were", async () => {
    expect(await formIds()).toEqual(before);
  });
});
