import fc from "fast-check";
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWTPayload,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../domain/errors.js";
import type { TokenVerifier } from "../ports.js";
import { createTokenVerifier } from "./auth.js";

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
    expect(error).not.toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "ECONNREFUSED" });
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
