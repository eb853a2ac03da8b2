// The local token issuer: an RS256 key pair made at start-up signs tokens for POST
// /api/dev/token, and its public half is the JWKS the production verifier fetches.
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { z } from "zod";
import { idSchema } from "../shared/domain/ids.js";
import { roles } from "../shared/domain/access.js";

export const tokenRequestSchema = z.strictObject({
  tenantId: idSchema,
  userId: idSchema,
  name: z.string().min(1).max(256).optional(),
  roles: z.array(z.enum(roles)).max(roles.length),
});
export type TokenRequest = z.output<typeof tokenRequestSchema>;

export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: { keys: JWK[] };
  sign(request: TokenRequest): Promise<string>;
}

export const tokenLifetimeSeconds = 8 * 60 * 60;

/** The client the local tokens say they were issued to (an access token names one; see shared/http/auth.ts). */
const localClientId = "local-dev-client";

export async function createLocalIssuer(issuer: string, audience: string): Promise<LocalIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return {
    issuer,
    audience,
    jwks: { keys: [jwk] },
    sign: (request) =>
      new SignJWT({
        tid: request.tenantId,
        oid: request.userId,
        name: request.name ?? request.userId,
        roles: request.roles,
        // The shape of an Entra ID version 2 access token.
        ver: "2.0",
        azp: localClientId,
      })
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(request.userId)
        .setIssuedAt()
        .setExpirationTime(`${tokenLifetimeSeconds}s`)
        .sign(privateKey),
  };
}
