// A small client of the service's own HTTP API for local tools (the demo seed, the benchmarks):
// JSON in and out, a bearer token per caller, and an error naming the request that failed.
import type { Role } from "../shared/domain/access.js";

export interface Reply {
  status: number;
  etag: string;
  json: Record<string, unknown>;
}

/** `send(as, method, path, body?, ifMatch?)` against `baseUrl` (e.g. `http://127.0.0.1:7071/api`). */
export function apiClient<P>(baseUrl: string, tokenOf: (caller: P) => Promise<string>) {
  const base = baseUrl.replace(/\/+$/, "");
  return async function send(
    as: P,
    method: string,
    path: string,
    body?: unknown,
    ifMatch?: string,
  ): Promise<Reply> {
    const headers: Record<string, string> = { authorization: `Bearer ${await tokenOf(as)}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (ifMatch) headers["if-match"] = ifMatch;
    const response = await fetch(`${base}/${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (response.status >= 300) {
      throw new Error(`${method} /${path} answered ${response.status}: ${text.slice(0, 300)}`);
    }
    const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    return { status: response.status, etag: response.headers.get("etag") ?? "", json };
  };
}

export interface TokenRequest {
  tenantId: string;
  userId: string;
  roles: readonly Role[];
  name?: string;
}

/** A token the local host's issuer signs (POST /api/dev/token; the local host only). */
export async function devToken(baseUrl: string, request: TokenRequest): Promise<string> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, "")}/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`POST /api/dev/token answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}
