import { app, HttpRequest, InvocationContext } from "@azure/functions";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createServices } from "./composition.js";
import { parseConfig } from "./config.js";
import type { Role } from "./domain/access.js";
import { inputOf } from "./domain/requests.js";
import { createTokenVerifier } from "./http/auth.js";
import { json } from "./http/responses.js";
import { httpFunction, registeredFunctions } from "./registry.js";
import { setServices } from "./services.js";

// Outside the Functions runtime app.http only warns; keep the output quiet.
vi.spyOn(app, "http").mockImplementation(() => undefined);

const issuer = "https://issuer.test/";
const audience = "api://evaluation-sessions";
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  privateKey = pair.privateKey;
  const config = parseConfig({
    COSMOS__accountEndpoint: "https://127.0.0.1:1/",
    DATA_STORAGE__blobServiceUri: "http://127.0.0.1:1/devstoreaccount1",
    AUTH_ISSUERS: issuer,
    AUTH_AUDIENCE: audience,
    AUTH_JWKS_URI: "http://127.0.0.1:1/jwks",
  });
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1" }] });
  setServices({
    ...createServices(config),
    verifyToken: createTokenVerifier({ issuers: [issuer], audience, allowedTenants: ["*"], keys }),
  });
});

function token(roles: Role[]): Promise<string> {
  return new SignJWT({ tid: "t1", oid: "u1", roles, ver: "2.0", azp: "test-client" })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(issuer)
    .setAudience(audience)
    .setExpirationTime("1h")
    .sign(privateKey);
}

const ran: string[] = [];

// A test-only function limited to Administrators, until real role-limited endpoints exist.
const adminOnly = httpFunction({
  name: "testAdminOnly",
  route: "test/admin-only/{id}",
  methods: ["POST"],
  access: ["QM.Administrator"],
  summary: "Test only",
  body: z.object({ note: z.string() }),
  responses: [{ status: 200, description: "ok" }],
  handler: ({ principal, params, body }) => {
    const { note } = inputOf(body);
    ran.push(params.id);
    return Promise.resolve(json(200, { userId: principal.userId, id: params.id, note }));
  },
});

const failing = httpFunction({
  name: "testFailing",
  route: "test/failing",
  methods: ["GET"],
  access: "anonymous",
  summary: "Test only",
  responses: [],
  handler: () => Promise.reject(new Error("secret internals")),
});

function call(
  definition: typeof adminOnly,
  options: {
    id?: string;
    authorization?: string;
    body?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const id = options.id ?? "s1";
  const errors: unknown[] = [];
  const context = new InvocationContext({
    invocationId: "inv-1",
    functionName: definition.name,
    logHandler: (level, ...args) => {
      if (level === "error") errors.push(args);
    },
  });
  const request = new HttpRequest({
    method: "POST",
    url: `http://localhost/api/test/admin-only/${encodeURIComponent(id)}`,
    headers: {
      "content-type": "application/json",
      ...(options.authorization ? { authorization: options.authorization } : {}),
      ...options.headers,
    },
    body: { string: options.body ?? JSON.stringify({ note: "hi" }) },
    params: { id },
  });
  return { response: definition.handler(request, context), errors };
}

const bodyOf = (response: { body?: unknown }): unknown => JSON.parse(String(response.body));

describe("httpFunction enforces access before the handler runs", () => {
  it("401 without a token", async () => {
    const response = await call(adminOnly).response;
    expect(response.status).toBe(401);
    expect(bodyOf(response)).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(ran).toEqual([]);
  });

  it("403 FORBIDDEN for a valid token without the role", async () => {
    const response = await call(adminOnly, {
      authorization: `Bearer ${await token(["QM.Evaluator", "QM.Archive"])}`,
    }).response;
    expect(response.status).toBe(403);
    expect(response.headers).toMatchObject({ "content-type": "application/problem+json" });
    expect(bodyOf(response)).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(ran).toEqual([]);
  });

  it("runs the handler for a token with the role", async () => {
    const response = await call(adminOnly, {
      authorization: `Bearer ${await token(["QM.Administrator"])}`,
    }).response;
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toEqual({ userId: "u1", id: "s1", note: "hi" });
    expect(response.headers).toMatchObject({ "x-request-id": "inv-1" });
    expect(ran).toEqual(["s1"]);
  });

  it("404 for a route id outside the id pattern, before the handler", async () => {
    const response = await call(adminOnly, {
      id: "not an id",
      authorization: `Bearer ${await token(["QM.Administrator"])}`,
    }).response;
    expect(response.status).toBe(404);
    expect(ran).toEqual(["s1"]);
  });

  it("415 for a body that is not JSON and 413 for an announced oversized one", async () => {
    const authorization = `Bearer ${await token(["QM.Administrator"])}`;
    const text = await call(adminOnly, { authorization, headers: { "content-type": "text/plain" } })
      .response;
    expect(bodyOf(text)).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE" });
    const big = await call(adminOnly, {
      authorization,
      headers: { "content-length": String(2 * 1024 * 1024) },
    }).response;
    expect(bodyOf(big)).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
  });

  it("answers an unexpected error with a 500 that hides it, and logs it", async () => {
    const { response, errors } = call(failing);
    const result = await response;
    expect(result.status).toBe(500);
    expect(bodyOf(result)).toMatchObject({ code: "INTERNAL" });
    expect(JSON.stringify(bodyOf(result))).not.toContain("secret internals");
    expect(JSON.stringify(errors)).toContain("secret internals");
  });

  it("records the definition with its roles for the host, OpenAPI and tests", () => {
    expect(registeredFunctions().find((f) => f.name === "testAdminOnly")).toMatchObject({
      kind: "http",
      route: "test/admin-only/{id}",
      methods: ["POST"],
      access: ["QM.Administrator"],
    });
    expect(() =>
      httpFunction({
        ...adminOnly,
        access: "anonymous",
        responses: [],
        handler: () => Promise.resolve({}),
      }),
    ).toThrow(/registered twice/);
  });
});
