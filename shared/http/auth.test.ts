import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import {
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DependencyUnavailableError } from "../dependency-errors.js";
import { AppError } from "../domain/errors.js";
import type { TokenVerifier } from "../ports.js";
import { createTokenVerifier, remoteKeys } from "./auth.js";
import { toProblemResponse } from "./problem.js";

const issuer = "https://issuer.test/tenant/v2.0";
const audience = "api://evaluation-sessions";
const now = () => Math.floor(Date.now() / 1000);

let trustedKey: CryptoKey;
let untrustedKey: CryptoKey;
let verify: TokenVerifier;

beforeAll(async () => {
  const trusted = await generateKeyPair("RS256", { extractable: true });
  trustedKey = trusted.privateKey;
  untrustedKey = (await generateKeyPair("RS256")).privateKey;
  const jwk = { ...(await exportJWK(trusted.publicKey)), kid: "k1", alg: "RS256" };
  verify = createTokenVerifier({
    issuers: [issuer],
    audience,
    allowedTenants: ["*"],
    keys: createLocalJWKSet({ keys: [jwk] }),
  });
});

const validClaims = (): JWTPayload => ({
  iss: issuer,
  aud: audience,
  ver: "2.0",
  azp: "client-app-1",
  tid: "tenant-1",
  oid: "user-1",
  name: "Eve Evaluator",
  roles: ["QM.Evaluator", "QM.Archive", "Some.Other.Role"],
  iat: now(),
  exp: now() + 3600,
});

function sign(claims: JWTPayload, key: CryptoKey = trustedKey, kid = "k1"): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid }).sign(key);
}

async function rejection(authorization: string | null): Promise<AppError> {
  const error: unknown = await verify(authorization).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("createTokenVerifier", () => {
  it("turns a valid token into a principal with only the known roles", async () => {
    const principal = await verify(`Bearer ${await sign(validClaims())}`);
    expect(principal).toEqual({
      tenantId: "tenant-1",
      userId: "user-1",
      name: "Eve Evaluator",
      roles: new Set(["QM.Evaluator", "QM.Archive"]),
    });
  });

  it("refuses an expired token, and says so", async () => {
    const error = await rejection(`Bearer ${await sign({ ...validClaims(), exp: now() - 120 })}`);
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(error.detail).toMatch(/expired/);
  });

  it("tolerates a minute of clock skew on expiry", async () => {
    await expect(
      verify(`Bearer ${await sign({ ...validClaims(), exp: now() - 30 })}`),
    ).resolves.toMatchObject({
      userId: "user-1",
    });
  });

  it.each([
    ["another issuer", { iss: "https://evil.test/" }],
    ["another audience", { aud: "api://something-else" }],
    ["no exp claim", { exp: undefined }],
    ["no tid claim", { tid: undefined }],
    ["an oid that is not an id", { oid: "../../etc" }],
    // A prototype key as a user or tenant would reach objects keyed by them (calibration answers).
    ["an oid that is a reserved name", { oid: "__proto__" }],
    ["a tid that is a reserved name", { tid: "constructor" }],
    ["a token not valid yet", { nbf: now() + 3600 }],
  ])("refuses a token with %s", async (_name, change) => {
    const error = await rejection(`Bearer ${await sign({ ...validClaims(), ...change })}`);
    expect(error.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a token signed by a key outside the JWKS, even with a known kid", async () => {
    const error = await rejection(`Bearer ${await sign(validClaims(), untrustedKey, "k1")}`);
    expect(error.code).toBe("UNAUTHENTICATED");
  });

  it("refuses an unsigned alg:none token", async () => {
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(validClaims())}.`;
    expect((await rejection(`Bearer ${token}`)).code).toBe("UNAUTHENTICATED");
  });

  it("refuses an HS256 token (algorithm outside the allow-list)", async () => {
    const secret = new TextEncoder().encode("a-shared-secret-that-is-long-enough-for-hs256");
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .sign(secret);
    expect((await rejection(`Bearer ${token}`)).code).toBe("UNAUTHENTICATED");
  });

  it("refuses a missing header and other schemes", async () => {
    const token = await sign(validClaims());
    expect((await rejection(null)).code).toBe("UNAUTHENTICATED");
    expect((await rejection(`Basic ${token}`)).code).toBe("UNAUTHENTICATED");
    expect((await rejection(token)).code).toBe("UNAUTHENTICATED");
  });

  it("refuses a tenant the deployment does not serve", async () => {
    const jwk = await exportJWK((await generateKeyPair("RS256", { extractable: true })).publicKey);
    const onlyT2 = createTokenVerifier({
      issuers: [issuer],
      audience,
      allowedTenants: ["tenant-2"],
      keys: createLocalJWKSet({ keys: [{ ...jwk, kid: "k1" }] }),
    });
    const error: unknown = await onlyT2(`Bearer ${await sign(validClaims())}`).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("lets a JWKS outage through as a dependency failure, not as the caller's fault", async () => {
    const down = createTokenVerifier({
      issuers: [issuer],
      audience,
      allowedTenants: ["*"],
      keys: () =>
        Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    });
    const error: unknown = await down(`Bearer ${await sign(validClaims())}`).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(error).toMatchObject({ cause: { code: "ECONNREFUSED" } });
  });

  it("answers any other Authorization value with UNAUTHENTICATED, never another error", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `Bearer ${s}`),
          fc
            .tuple(fc.base64String(), fc.base64String(), fc.base64String())
            .map((p) => `Bearer ${p.join(".")}`),
        ),
        async (authorization) => {
          expect((await rejection(authorization)).code).toBe("UNAUTHENTICATED");
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("only access tokens", () => {
  it("F13: refuses an ID token of the API's own app registration", async () => {
    // What Entra ID issues to a client that signs in with the API's client id: same issuer,
    // same keys, `aud` = the client id (the v2 access-token audience), roles included.
    const { azp: _azp, ...idToken } = validClaims();
    const error = await rejection(`Bearer ${await sign({ ...idToken, nonce: "n-0S6_WzA2Mj" })}`);
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(error.detail).toMatch(/not an access token/);
  });

  it.each([
    ["no version", { ver: undefined }],
    ["version 1.0 with azp instead of appid", { ver: "1.0" }],
    ["version 2.0 with appid instead of azp", { azp: undefined, appid: "client-app-1" }],
    ["an unknown version", { ver: "3.0" }],
    ["an empty azp", { azp: "" }],
  ])("F13: refuses a token with %s", async (_name, change) => {
    const error = await rejection(`Bearer ${await sign({ ...validClaims(), ...change })}`);
    expect(error.code).toBe("UNAUTHENTICATED");
  });

  it("accepts version 1.0 access tokens (appid) and the access-token typ values", async () => {
    const { azp: _azp, ...v2 } = validClaims();
    const v1 = { ...v2, ver: "1.0", appid: "client-app-1" };
    await expect(verify(`Bearer ${await sign(v1)}`)).resolves.toMatchObject({ userId: "user-1" });
    for (const typ of ["JWT", "at+jwt", "application/at+JWT"]) {
      const token = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: "RS256", kid: "k1", typ })
        .sign(trustedKey);
      await expect(verify(`Bearer ${token}`), typ).resolves.toMatchObject({ userId: "user-1" });
    }
  });

  it("F13: refuses a token whose typ says it is something else", async () => {
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: "RS256", kid: "k1", typ: "logout+jwt" })
      .sign(trustedKey);
    expect((await rejection(`Bearer ${token}`)).code).toBe("UNAUTHENTICATED");
  });
});

describe("when the signing keys cannot be had", () => {
  /** What the verifier's failure becomes over HTTP. */
  async function answerTo(keys: JWTVerifyGetKey) {
    const verifier = createTokenVerifier({
      issuers: [issuer],
      audience,
      allowedTenants: ["*"],
      keys,
      retryAfterSeconds: 7,
    });
    const error: unknown = await verifier(`Bearer ${await sign(validClaims())}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    const response = toProblemResponse(error, () => undefined, 99);
    return {
      status: response.status,
      headers: response.headers,
      code: z.object({ code: z.string() }).parse(JSON.parse(z.string().parse(response.body))).code,
    };
  }

  /** A loopback JWKS endpoint answering `status` with `body`, or, with no status, none at all. */
  async function jwksServer(status?: number, body = "") {
    const server = createServer((_req, res) => {
      res.writeHead(status ?? 200, { "content-type": "application/json" }).end(body);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    if (status === undefined) await new Promise<void>((done) => server.close(() => done()));
    return {
      url: `http://127.0.0.1:${port}/keys`,
      close: () => new Promise<void>((done) => server.close(() => done())),
    };
  }

  it("F13: a JWKS timeout is 503 DEPENDENCY_UNAVAILABLE with Retry-After, not 401", async () => {
    const response = await answerTo(() => Promise.reject(new joseErrors.JWKSTimeout()));
    expect(response.status).toBe(503);
    expect(response.code).toBe("DEPENDENCY_UNAVAILABLE");
    expect(response.headers).toMatchObject({ "Retry-After": "7" });
  });

  it.each([
    ["nobody listens", undefined, ""],
    ["the endpoint answers 500", 500, "oops"],
    ["the endpoint answers no JSON", 200, "<html>"],
    ["the endpoint answers no key set", 200, '{"keys": 5}'],
  ])(
    "F13: a failed key fetch is 503 DEPENDENCY_UNAVAILABLE with Retry-After, not 500 (%s)",
    async (_name, status, body) => {
      const server = await jwksServer(status, body);
      try {
        const response = await answerTo(remoteKeys(server.url));
        expect(response.status).toBe(503);
        expect(response.code).toBe("DEPENDENCY_UNAVAILABLE");
        expect(response.headers).toMatchObject({ "Retry-After": "7" });
      } finally {
        if (status !== undefined) await server.close();
      }
    },
  );

  it("keeps a token whose kid the key set lacks the caller's fault (401)", async () => {
    const jwk = { ...(await exportJWK((await generateKeyPair("RS256")).publicKey)), kid: "k9" };
    const response = await answerTo(createLocalJWKSet({ keys: [jwk] }));
    expect(response.status).toBe(401);
  });
});

describe("the verified-token cache", () => {
  it("checks a token's signature once and answers its repeats from memory, until it expires", async () => {
    const trusted = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(trusted.publicKey)), kid: "c1", alg: "ES256" };
    const localKeys = createLocalJWKSet({ keys: [jwk] });
    let keyLookups = 0;
    const counting = createTokenVerifier({
      issuers: [issuer],
      audience,
      allowedTenants: ["*"],
      keys: (header, input) => {
        keyLookups++;
        return localKeys(header, input);
      },
    });
    const token = await new SignJWT({ ...validClaims(), exp: now() + 2 })
      .setProtectedHeader({ alg: "ES256", kid: "c1" })
      .sign(trusted.privateKey);
    const first = await counting(`Bearer ${token}`);
    const again = await counting(`Bearer ${token}`);
    expect(again).toEqual(first);
    expect(keyLookups).toBe(1);
    // Past its exp the cached entry is not used: the token is verified again (and refused
    // once outside the clock tolerance, which the expiry tests above cover).
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await counting(`Bearer ${token}`);
    expect(keyLookups).toBe(2);
  });

  it("never caches a refusal: a token of a tenant not served stays refused", async () => {
    const trusted = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(trusted.publicKey)), kid: "c2", alg: "ES256" };
    const limited = createTokenVerifier({
      issuers: [issuer],
      audience,
      allowedTenants: ["tenant-2"],
      keys: createLocalJWKSet({ keys: [jwk] }),
    });
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: "ES256", kid: "c2" })
      .sign(trusted.privateKey);
    for (let i = 0; i < 2; i++) {
      await expect(limited(`Bearer ${token}`)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    }
  });
});
