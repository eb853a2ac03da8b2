// Bearer JWT verification: issuer, audience, signature through a JWKS, expiry and an algorithm
// allow-list, all checked in code. Platform headers such as x-ms-client-principal are ignored.
import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { z } from "zod";
import { roles, type Actor, type Role } from "../domain/access.js";
import { AppError } from "../domain/errors.js";
import type { TokenVerifier } from "../ports.js";

/** Who is calling, taken only from a verified token. */
export type Principal = Actor;

export const allowedAlgorithms = ["RS256", "ES256"];

const idPattern = /^[A-Za-z0-9_-]{1,64}$/; // checked again with the reserved names in domain/ids.ts
const claimsSchema = z.object({
  tid: z.string().regex(idPattern),
  oid: z.string().regex(idPattern),
  name: z.string().max(256).optional(),
  roles: z.array(z.string()).default([]),
});

export interface VerifierOptions {
  issuers: readonly string[];
  audience: string;
  allowedTenants: readonly string[];
  keys: JWTVerifyGetKey;
  /** Seconds of clock skew tolerated on exp/nbf. */
  clockToleranceSeconds?: number;
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
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization?.trim() ?? "");
    if (!match?.[1]) throw unauthenticated("A bearer token is required.");
    const token = match[1];
    const now = Date.now();
    const known = verified.get(token);
    if (known && known.until > now) return known.principal;
    if (known) verified.delete(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        issuer: [...options.issuers],
        audience: options.audience,
        algorithms: allowedAlgorithms,
        clockTolerance: options.clockToleranceSeconds ?? 60,
        requiredClaims: ["exp", "iss", "aud"],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated("The token has expired.");
      if (error instanceof joseErrors.JOSEError) throw unauthenticated("The token is not valid.");
      throw error; // JWKS unreachable and the like: a dependency failure, not the caller's fault
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
