// Small HTTP helpers for integration tests: every call goes over real HTTP to the local host
// that test/global-setup.ts started.
import { request } from "node:http";
import { expect, inject } from "vitest";
import { devToken, type TokenRequest } from "../../dev/api-client.js";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON (including problem+json), else undefined. */
  json: T;
  text: string;
}

export interface ApiOptions {
  method?: string;
  token?: string;
  /** An object is sent as JSON; a string or bytes are sent as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Another API base than the local host's, e.g. the built package's (test/package.test.ts). */
  baseUrl?: string;
}

export function baseUrl(): string {
  return inject("baseUrl");
}

export async function api<T = unknown>(
  path: string,
  options: ApiOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (typeof options.body === "string" || options.body instanceof Uint8Array) {
    body = options.body;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${options.baseUrl ?? baseUrl()}/${path.replace(/^\/+/, "")}`, {
    method: options.method ?? "GET",
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  const isJson = /^application\/(?:[a-z0-9.+-]+\+)?json/i.test(
    response.headers.get("content-type") ?? "",
  );
  return {
    status: response.status,
    headers: response.headers,
    json: (isJson ? JSON.parse(text) : undefined) as T,
    text,
  };
}

/**
 * `call(person, method, path, body?, ifMatch?)`: `api()` with the bearer token `tokens` holds for
 * `person`. `base` is read on every call (the built package's URL is known only once it runs).
 */
export function callerWith<P>(tokens: ReadonlyMap<P, string>, base?: () => string) {
  return <T = any>(
    person: P,
    method: string,
    path: string,
    body?: unknown,
    ifMatch?: string,
  ): Promise<ApiResponse<T>> => {
    const token = tokens.get(person);
    if (token === undefined) throw new Error(`No token for ${String(person)}.`);
    return api<T>(path, {
      method,
      token,
      ...(base ? { baseUrl: base() } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(ifMatch ? { headers: { "if-match": ifMatch } } : {}),
    });
  };
}

/** `response` is an application/problem+json `status` with `code`; a failure shows the body. */
export function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect(response.status, response.text.slice(0, 500)).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, code });
}

/** A token from the local issuer (POST /api/dev/token), verified by the production code path. */
export function tokenFor(request: TokenRequest): Promise<string> {
  return devToken(baseUrl(), request);
}

/**
 * One HTTP/1.1 request to 127.0.0.1:`port` with the Host header given (fetch does not let a
 * caller set it): what a page that rebound its DNS name to this machine would send.
 */
export function requestWithHost(
  port: number | string,
  method: string,
  path: string,
  host: string,
  json?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: { host, ...(json === undefined ? {} : { "content-type": "application/json" }) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(json === undefined ? undefined : JSON.stringify(json));
  });
}
