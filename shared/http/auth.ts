// Bearer JWT verification: issuer, audience, signature through a JWKS, expiry, an algorithm
// allow-list and that the token is an access token, all checked in code. Platform headers such
// as x-ms-client-principal are ignored.
import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { z } from "zod";
import { DEFAULT_RETRY_AFTER_SECONDS } from "../config.js";
import { DependencyUnavailableError } from "../dependency-errors.js";
import { roles, type Actor, type Role } from "../domain/access.js";
import { AppError } from "../domain/errors.js";
import { idPattern } from "../domain/ids.js";
import type { TokenVerifier } from "../ports.js";

/** Who is calling, taken only from a verified token. */
export type Principal = Actor;

export const allowedAlgorithms = ["RS256", "ES256"];

const claimsSchema = z.object({
  tid: z.string().regex(idPattern),
  oid: z.string().regex(idPattern),
  name: z.string().max(256).optional(),
  roles: z.array(z.string()).default([]),
});

/**
 * Entra ID signs ID tokens with the same keys and issuer as access tokens, and an ID token
 * issued to the API's own app registration carries `aud` = its client id, the audience of
 * version 2 access tokens. What only an access token has is the client it was issued to:
 * `azp` in version 2.0, `appid` in version 1.0, in delegated and app-only tokens alike; an ID
 * token names its client in `aud` and has neither. So a token must say its version and carry
 * that version's client claim. `typ`, when present, must be a JWT access-token type (Entra
 * writes "JWT"; RFC 9068 "at+jwt").
 */
const accessTokenSchema = z.discriminatedUnion("ver", [
  z.object({ ver: z.literal("2.0"), azp: z.string().min(1) }),
  z.object({ ver: z.literal("1.0"), appid: z.string().min(1) }),
]);
const accessTokenTypes = new Set(["jwt", "at+jwt", "application/at+jwt"]);

function isAccessToken(header: JWTHeaderParameters, payload: JWTPayload): boolean {
  if (header.typ !== undefined && !accessTokenTypes.has(header.typ.toLowerCase())) return false;
  return accessTokenSchema.safeParse(payload).success;
}

/**
 * A key lookup that failed for the key set's sake (unreachable, too slow, not a key set, not
 * 200), not the token's: no key for its `kid` or an algorithm the set does not offer stay the
 * caller's fault (401).
 */
function isKeySourceFailure(error: unknown): boolean {
  // Not jose's own error: the fetch itself failed (TypeError "fetch failed", ECONNREFUSED...).
  if (!(error instanceof joseErrors.JOSEError)) return true;
  return (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    error.code === joseErrors.JOSEError.code
  );
}

export interface VerifierOptions {
  issuers: readonly string[];
  audience: string;
  allowedTenants: readonly string[];
  keys: JWTVerifyGetKey;
  /** Seconds of clock skew tolerated on exp/nbf. */
  clockToleranceSeconds?: number;
  /** The Retry-After of the 503 when the keys cannot be fetched. */
  retryAfterSeconds?: number;
}

const unauthenticated = (detail: string) => new AppError("UNAUTHENTICATED", detail);

/** Verified tokens are remembered this long at most (and never past their `exp`). */
const verifiedTtlMs = 5 * 60_000;
const verifiedMax = 1000;

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const anyTenant = options.allowedTenants.includes("*");
  // A client sends the same token with every request until it expires; checking its signature
  // once, not per request, saves most of the verifier's cost. Keyed by the whole token string.
  const verified = new Map<string, { principal: Principal; until: number }>();
  const keys = async (...args: Parameters<JWTVerifyGetKey>) => {
    try {
      return await options.keys(...args);
    } catch (error) {
      if (!isKeySourceFailure(error)) throw error;
      throw new DependencyUnavailableError(
        "The token issuer's signing keys",
        options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
        { cause: error },
      );
    }
  };
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization?.trim() ?? "");
    if (!match?.[1]) throw unauthenticated("A bearer token is required.");
    const token = match[1];
    const now = Date.now();
    const known = verified.get(token);
    if (known && known.until > now) return known.principal;
    if (known) verified.delete(token);
    let payload: JWTPayload;
    let header: JWTHeaderParameters;
    try {
      ({ payload, protectedHeader: header } = await jwtVerify(token, keys, {
        issuer: [...options.issuers],
        audience: options.audience,
        algorithms: allowedAlgorithms,
        clockTolerance: options.clockToleranceSeconds ?? 60,
        requiredClaims: ["exp", "iss", "aud"],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated("The token has expired.");
      if (error instanceof joseErrors.JOSEError) throw unauthenticated("The token is not valid.");
      throw error; // DependencyUnavailableError from the key lookup: 503, not the caller's fault
    }
    if (!isAccessToken(header, payload)) {
      throw unauthenticated("The token is not an access token for this API.");
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success)
      throw unauthenticated("The token lacks the tid/oid claims this API needs.");
    const { tid, oid, name } = claims.data;
    if (!anyTenant && !options.allowedTenants.includes(tid)) {
      throw unauthenticated("The token's tenant is not served by this deployment.");
    }
    const knownRoles = new Set<string>(roles);
    const principal: Principal = {
      tenantId: tid,
      userId: oid,
      name: name ?? oid,
      roles: new Set(claims.data.roles.filter((r): r is Role => knownRoles.has(r))),
    };
    if (verified.size >= verifiedMax) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    const expiresAt = (payload.exp ?? 0) * 1000;
    verified.set(token, { principal, until: Math.min(expiresAt, now + verifiedTtlMs) });
    return principal;
  };
}

/** Keys from a JWKS URL, cached and refreshed by jose. */
export function remoteKeys(jwksUri: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
}
