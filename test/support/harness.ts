// Runs the registered functions in-process over in-memory adapters, for unit tests of handlers:
// real HttpRequest/InvocationContext objects, real token verification (a local key pair), a
// settable clock, a recording publisher and a delivery loop that plays the topic's role.
import { randomUUID } from "node:crypto";
// The default export, not named imports: plain Node's ESM loader (the benchmark runs the harness
// outside vitest) cannot see named exports in @azure/functions' webpack bundle.
import azureFunctions from "@azure/functions";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import "../../functions/index.js";
import { parseConfig, type Config } from "../../shared/config.js";
import { InMemoryBlobStore } from "../../shared/adapters/in-memory/blob-store.js";
import {
  createInMemoryStores,
  type InMemoryStores,
} from "../../shared/adapters/in-memory/index.js";
import type { CloudEvent } from "../../shared/domain/model.js";
import type { Role } from "../../shared/domain/access.js";
import { createTokenVerifier } from "../../shared/http/auth.js";
import type { Background, Clock, EventPublisher } from "../../shared/ports.js";
import {
  registeredFunctions,
  takesSubject,
  type HttpFunctionDefinition,
  type ServiceBusFunctionDefinition,
} from "../../shared/registry.js";
import { setServices, type Services } from "../../shared/services.js";

const { HttpRequest, InvocationContext } = azureFunctions;

export const testIssuer = "https://issuer.test/v2.0";
export const testAudience = "api://evaluation-sessions";

export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * Records what was published; can be told to fail the next N publishes, or to hang (a broker
 * that never answers: the publish settles only when its signal aborts, if ever).
 */
export class RecordingPublisher implements EventPublisher {
  readonly published: CloudEvent[] = [];
  failures = 0;
  hang = false;
  publish(events: readonly CloudEvent[], options?: { signal?: AbortSignal }): Promise<void> {
    if (this.hang) {
      return new Promise((_, reject) =>
        options?.signal?.addEventListener("abort", () => reject(new Error("aborted (test)"))),
      );
    }
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error("broker unavailable (test)"));
    }
    this.published.push(...events.map((e) => structuredClone(e)));
    return Promise.resolve();
  }
}

/**
 * Work after the response, made deterministic: `call` waits for it before it returns, so a
 * test sees the outbox moved as a client a moment later would. While `held`, tasks wait until
 * `release()` (to tell a request's own calls from its after-response calls).
 */
export class DrainableBackground implements Background {
  held = false;
  private readonly waiting: (() => Promise<void>)[] = [];
  private running: Promise<void>[] = [];

  run(task: () => Promise<void>): void {
    if (this.held) this.waiting.push(task);
    else this.running.push(task());
  }

  async drain(): Promise<void> {
    while (this.running.length > 0) await Promise.all(this.running.splice(0));
  }

  async release(): Promise<void> {
    this.held = false;
    for (const task of this.waiting.splice(0)) this.running.push(task());
    await this.drain();
  }
}

export interface TestPrincipal {
  tenantId: string;
  userId: string;
  roles: readonly Role[];
  name?: string;
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  as?: TestPrincipal;
  /** The trace context the Functions host would hand the invocation (W3C traceparent). */
  traceParent?: string;
}

export interface CallResult<T = any> {
  status: number;
  headers: Record<string, string>;
  json: T;
}

export interface TestApp {
  services: Services;
  stores: InMemoryStores;
  clock: ManualClock;
  publisher: RecordingPublisher;
  blobs: InMemoryBlobStore;
  background: DrainableBackground;
  /** Every line the functions logged (to search for secrets). */
  logs: string[];
  token(principal: TestPrincipal, claims?: Record<string, unknown>): Promise<string>;
  call<T = any>(functionName: string, options?: CallOptions): Promise<CallResult<T>>;
  /** Delivers every published, not yet delivered event to the matching subscriptions. */
  deliver(): Promise<{ delivered: number; failed: number }>;
  /** The registered Service Bus function `name`, called as the Functions host would. */
  consumer(name: string): (message: unknown) => Promise<void>;
}

export interface TestAppOptions {
  now?: string;
  settings?: Record<string, string>;
}

function httpFunctionNamed(name: string): HttpFunctionDefinition {
  const fn = registeredFunctions().find((f) => f.name === name);
  if (!fn || fn.kind !== "http") throw new Error(`No HTTP function named ${name}`);
  return fn;
}

export function testConfig(settings: Record<string, string> = {}): Config {
  return parseConfig({
    COSMOS__accountEndpoint: "https://localhost:8081/",
    DATA_STORAGE__blobServiceUri: "http://127.0.0.1:10000/devstoreaccount1",
    AUTH_ISSUERS: testIssuer,
    AUTH_AUDIENCE: testAudience,
    AUTH_JWKS_URI: "https://issuer.test/keys",
    ...settings,
  });
}

/** One signing key per test process: RSA key generation is the slowest part of a test app. */
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let signingKey: Promise<{ privateKey: PrivateKey; jwk: JWK }> | undefined;
function testSigningKey(): Promise<{ privateKey: PrivateKey; jwk: JWK }> {
  signingKey ??= generateKeyPair("ES256").then(async ({ publicKey, privateKey }) => ({
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid: "test", alg: "ES256", use: "sig" },
  }));
  return signingKey;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { privateKey, jwk } = await testSigningKey();
  const clock = new ManualClock(new Date(options.now ?? "2026-11-26T10:00:00Z"));
  const stores = createInMemoryStores();
  const publisher = new RecordingPublisher();
  const blobs = new InMemoryBlobStore(clock);
  const background = new DrainableBackground();
  const config = testConfig(options.settings);
  const services: Services = {
    config,
    clock,
    verifyToken: createTokenVerifier({
      issuers: [testIssuer],
      audience: testAudience,
      allowedTenants: ["*"],
      keys: createLocalJWKSet({ keys: [jwk] }),
    }),
    healthChecks: { memory: () => Promise.resolve() },
    ...stores,
    publisher,
    blobs,
    background,
  };
  setServices(services);
  const logs: string[] = [];
  const context = (functionName: string, traceParent?: string) =>
    new InvocationContext({
      invocationId: randomUUID(),
      functionName,
      logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(" ")}`),
      ...(traceParent ? { traceContext: { traceParent } } : {}),
    });

  const token = (p: TestPrincipal, claims: Record<string, unknown> = {}) =>
    new SignJWT({
      tid: p.tenantId,
      oid: p.userId,
      name: p.name ?? p.userId,
      roles: [...p.roles],
      // An Entra ID version 2 access token (shared/http/auth.ts refuses ID tokens).
      ver: "2.0",
      azp: "test-client",
      ...claims,
    })
      .setProtectedHeader({ alg: "ES256", kid: "test" })
      .setIssuer(testIssuer)
      .setAudience(testAudience)
      .setIssuedAt(Math.floor(clock.now().getTime() / 1000) - 60)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
      .sign(privateKey);

  let delivered = 0;
  return {
    services,
    stores,
    clock,
    publisher,
    blobs,
    background,
    logs,
    token,
    async call(name, callOptions = {}) {
      const fn = httpFunctionNamed(name);
      const params = callOptions.params ?? {};
      const path = fn.route.replace(/\{([A-Za-z0-9_]+)\??\}/g, (_, p: string) =>
        encodeURIComponent(params[p] ?? ""),
      );
      const url = new URL(`http://localhost/api/${path}`);
      for (const [k, v] of Object.entries(callOptions.query ?? {})) url.searchParams.set(k, v);
      const headers: Record<string, string> = { ...callOptions.headers };
      if (callOptions.as) headers.authorization = `Bearer ${await token(callOptions.as)}`;
      let body: string | undefined;
      if (typeof callOptions.body === "string") body = callOptions.body;
      else if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body);
        headers["content-type"] ??= "application/json";
      }
      if (body !== undefined) headers["content-length"] ??= String(Buffer.byteLength(body));
      const request = new HttpRequest({
        method: fn.methods[0] ?? "GET",
        url: url.toString(),
        headers,
        params,
        ...(body !== undefined ? { body: { string: body } } : {}),
      });
      const response = await fn.handler(request, context(name, callOptions.traceParent));
      if (!background.held) await background.drain();
      const responseHeaders = Object.fromEntries(
        Object.entries((response.headers ?? {}) as Record<string, string>).map(([k, v]) => [
          k.toLowerCase(),
          v,
        ]),
      );
      const text = typeof response.body === "string" ? response.body : "";
      return {
        status: response.status ?? 200,
        headers: responseHeaders,
        // JSON and problem+json bodies; an HTML page or an asset has none.
        json: (text && /json/.test(responseHeaders["content-type"] ?? "")
          ? JSON.parse(text)
          : undefined) as never,
      };
    },
    async deliver() {
      const subscriptions = registeredFunctions().filter(
        (f): f is ServiceBusFunctionDefinition => f.kind === "serviceBus",
      );
      let failed = 0;
      const pending = publisher.published.slice(delivered);
      delivered = publisher.published.length;
      for (const event of pending) {
        for (const sub of subscriptions) {
          if (!takesSubject(sub.subjectFilters, event.type)) continue;
          try {
            await sub.handler(structuredClone(event), context(sub.name));
          } catch {
            failed++;
          }
        }
      }
      return { delivered: pending.length, failed };
    },
    consumer(name) {
      const fn = registeredFunctions().find((f) => f.name === name);
      if (fn?.kind !== "serviceBus") throw new Error(`No Service Bus function named ${name}`);
      return (message) => fn.handler(message, context(name));
    },
  };
}
