// The platform through the local host over real HTTP: health against the real stand-ins, the
// OpenAPI document and reference page, the local issuer, and every refusal of docs/api.md's
// conventions (401, 404, 405, 413, 415) as problem+json.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalHost, type LocalHost } from "../dev/host.js";
import { registeredFunctions } from "../shared/registry.js";
import { getServices } from "../shared/services.js";
import { api, baseUrl, expectProblem, requestWithHost, tokenFor } from "./support/http.js";

const freshId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A token signed by a key the host has never seen. */
async function foreignToken(claims: { iss: string; exp: number }): Promise<string> {
  const { privateKey } = await generateKeyPair("RS256");
  return new SignJWT({ tid: "t1", oid: "u1", roles: ["QM.Administrator"] })
    .setProtectedHeader({ alg: "RS256", kid: "foreign" })
    .setIssuer(claims.iss)
    .setAudience(inject("audience"))
    .setIssuedAt(claims.exp - 3600)
    .setExpirationTime(claims.exp)
    .sign(privateKey);
}

describe("service endpoints", () => {
  it("GET /api/health reaches Cosmos and Blob", async () => {
    const response = await api<{ status: string; checks: Record<string, string> }>("health");
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: "ok", checks: { cosmos: "ok", blob: "ok" } });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("GET /api/openapi.json is an OpenAPI 3.1 document listing /me and /health", async () => {
    const response = await api<{ openapi: string; paths: Record<string, unknown> }>("openapi.json");
    expect(response.status).toBe(200);
    expect(response.json.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(response.json.paths)).toEqual(expect.arrayContaining(["/me", "/health"]));
    expect(Object.keys(response.json.paths).some((p) => p.startsWith("/dev/"))).toBe(false);
  });

  it("GET /api/docs serves the API explorer from the app alone, under a self-only CSP", async () => {
    const response = await api("docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(response.text).not.toMatch(/<(?:script|link)[^>]+(?:src|href)=["']?https?:/i);
    const assets = [...response.text.matchAll(/(?:src|href)="\/api\/(docs\/assets\/[a-z-]+)"/g)];
    expect(assets.map((m) => m[1])).toEqual([
      "docs/assets/favicon",
      "docs/assets/swagger-ui",
      "docs/assets/swagger-ui-bundle",
      "docs/assets/explorer",
    ]);
    for (const [, path] of assets) expect((await api(path!)).status, path).toBe(200);
    expect((await api("docs/assets/unknown")).status).toBe(404);
    // The script that starts Swagger UI reads this service's document.
    expect((await api("docs/assets/explorer")).text).toContain('url: "/api/openapi.json"');
  });
});

describe("local token issuer", () => {
  it("issues a token that GET /api/me accepts with the right tenant, user and roles", async () => {
    const tenantId = freshId("t");
    const token = await tokenFor({
      tenantId,
      userId: "archivist-1",
      name: "Ada Archivist",
      roles: ["QM.Evaluator", "QM.Archive"],
    });
    const me = await api("me", { token });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({
      tenantId,
      userId: "archivist-1",
      name: "Ada Archivist",
      roles: ["QM.Evaluator", "QM.Archive"],
      can: {
        manageForms: false,
        createSessions: true,
        archive: true,
        ingestInteractions: false,
        resolveDisputes: true,
        manageCalibrations: false,
        managePolicies: false,
        viewAnalytics: true,
      },
      features: { defaultScores: false },
    });
  });

  it("publishes the public key as a JWKS", async () => {
    const response = await api<{ keys: Record<string, unknown>[] }>("dev/jwks");
    expect(response.status).toBe(200);
    expect(response.json.keys).toHaveLength(1);
    expect(response.json.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(response.json.keys[0]).not.toHaveProperty("d");
  });

  it("refuses a malformed token request with the bad paths", async () => {
    const response = await api<Problem>("dev/token", {
      method: "POST",
      body: { tenantId: "t1", userId: "not valid!", roles: ["QM.Wizard"] },
    });
    expectProblem(response, 400, "VALIDATION_FAILED");
    expect(response.json.errors?.map((e) => e.path).sort()).toEqual(["roles.0", "userId"]);
  });

  it("F15: signs a token only for a request addressed to a loopback name (DNS rebinding)", async () => {
    const port = new URL(baseUrl()).port;
    const ask = (host: string) =>
      requestWithHost(port, "POST", "/api/dev/token", host, {
        tenantId: "t1",
        userId: "u1",
        roles: ["QM.Administrator"],
      });
    for (const host of [`attacker.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
      const refused = await ask(host);
      expect(refused.status, host).toBe(404);
      expect(refused.text).not.toMatch(/"token"/);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await ask(host)).status, host).toBe(200);
    }
  });
});

describe("401 UNAUTHENTICATED", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<Record<string, string>>][] = [
    ["no token", () => Promise.resolve({})],
    ["a garbage token", () => Promise.resolve({ authorization: "Bearer not-a-jwt" })],
    [
      "an unsigned alg:none token",
      () =>
        Promise.resolve({
          authorization: `Bearer ${b64url({ alg: "none", typ: "JWT" })}.${b64url({
            iss: inject("issuer"),
            aud: inject("audience"),
            tid: "t1",
            oid: "u1",
            roles: ["QM.Administrator"],
            exp: now() + 3600,
          })}.`,
        }),
    ],
    [
      "an expired token (signed by a key the host does not trust)",
      async () => ({
        authorization: `Bearer ${await foreignToken({ iss: inject("issuer"), exp: now() - 7200 })}`,
      }),
    ],
    [
      "a token from another issuer",
      async () => ({
        authorization: `Bearer ${await foreignToken({ iss: "https://login.example.com/other/v2.0", exp: now() + 3600 })}`,
      }),
    ],
    [
      "only forged x-ms-client-principal headers",
      () =>
        Promise.resolve({
          "x-ms-client-principal": Buffer.from(
            JSON.stringify({
              auth_typ: "aad",
              claims: [
                { typ: "http://schemas.microsoft.com/identity/claims/tenantid", val: "t1" },
                { typ: "roles", val: "QM.Administrator" },
              ],
              userId: "u1",
              userRoles: ["QM.Administrator"],
            }),
          ).toString("base64"),
          "x-ms-client-principal-id": "u1",
          "x-ms-client-principal-name": "mallory",
          "x-ms-client-principal-idp": "aad",
        }),
    ],
  ];

  it.each(cases)("GET /api/me with %s", async (_name, headersFor) => {
    const response = await api("me", { headers: await headersFor() });
    expectProblem(response, 401, "UNAUTHENTICATED");
  });
});

describe("routing and transport refusals", () => {
  it("404 NOT_FOUND for an unknown route, inside and outside /api", async () => {
    expectProblem(await api("no/such/route"), 404, "NOT_FOUND");
    const outside = await fetch(`${baseUrl().replace(/\/api$/, "")}/elsewhere`);
    expect(outside.status).toBe(404);
    expect(await outside.json()).toMatchObject({ code: "NOT_FOUND" });
  });

  it("405 METHOD_NOT_ALLOWED with Allow for a known route and another method", async () => {
    const health = await api("health", { method: "POST", body: {} });
    expectProblem(health, 405, "METHOD_NOT_ALLOWED");
    expect(health.headers.get("allow")).toBe("GET");
    const token = await api("dev/token", { method: "DELETE" });
    expectProblem(token, 405, "METHOD_NOT_ALLOWED");
    expect(token.headers.get("allow")).toBe("POST");
  });

  it("413 PAYLOAD_TOO_LARGE for a 2 MiB body, announced or streamed", async () => {
    const big = new Uint8Array(2 * 1024 * 1024).fill(0x20);
    expectProblem(
      await api("dev/token", {
        method: "POST",
        body: big,
        headers: { "content-type": "application/json" },
      }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    // Without Content-Length the host counts while streaming and stops at the limit.
    const streamed = await fetch(`${baseUrl()}/dev/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 32; i++) controller.enqueue(big.slice(i * 65536, (i + 1) * 65536));
          controller.close();
        },
      }),
      duplex: "half",
    });
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    // The host keeps serving after refusing.
    expect((await api("health")).status).toBe(200);
  });

  it("415 UNSUPPORTED_MEDIA_TYPE for a text/plain body on a JSON endpoint", async () => {
    const response = await api("dev/token", {
      method: "POST",
      body: JSON.stringify({ tenantId: "t1", userId: "u1", roles: [] }),
      headers: { "content-type": "text/plain" },
    });
    expectProblem(response, 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("the local host's in-process topic", () => {
  // A second host in this worker, so the test can reach its topic object directly.
  let host: LocalHost;
  let dataDir: string;
  const completed = "com.speechminer.evaluationsession.completed.v1";

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "evaluation-sessions-topic-"));
    host = await startLocalHost({
      port: 0,
      cosmosPort: 0,
      blobPort: 0,
      dataDir,
      settingsFile: null,
      environment: {},
      topic: { maxDeliveries: 3, redeliveryDelayMs: 10 },
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await host?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is the publisher the handlers get, subscribed by the registered Service Bus functions", () => {
    expect(getServices().publisher).toBe(host.topic);
    const registered = registeredFunctions().filter((f) => f.kind === "serviceBus");
    expect(host.topic.subscriptions.map((s) => s.subscriptionName).sort()).toEqual(
      registered.map((f) => f.subscriptionName).sort(),
    );
  });

  it("dead-letters a message its subscribers can never handle, naming why", async () => {
    const filtered = host.topic.subscriptions.filter((s) => s.subjectFilters?.includes(completed));
    const id = randomUUID();
    await host.topic.publish([
      {
        specversion: "1.0",
        id,
        source: "/tenants/t1/evaluation-sessions",
        type: completed,
        subject: "no-such-session",
        time: new Date().toISOString(),
        datacontenttype: "application/json",
        data: { tenantId: "t1" },
      },
    ]);
    await host.topic.idle();
    const dead = host.topic.deadLetters().filter((d) => d.messageId === id);
    expect(dead.map((d) => d.subscriptionName).sort()).toEqual(
      filtered.map((s) => s.subscriptionName).sort(),
    );
    for (const letter of dead) {
      expect(letter.deliveryCount).toBe(3);
      expect(letter.errorDescription.length).toBeGreaterThan(0);
    }
  });
});
