// The local host (`npm start`): starts the stand-ins, loads every registered function and
// serves them on http://localhost:7071/api like the Functions host, with a local token issuer,
// an in-process topic for the Service Bus triggers and the timers. Tests start the same host
// through startLocalHost().
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { format, parseArgs } from "node:util";
import { z } from "zod";
import type {
  HttpRequest as FunctionsRequest,
  HttpResponseInit,
  InvocationContext as FunctionsContext,
  LogHandler,
} from "@azure/functions";
import { InvocationContext } from "./azure-functions.js";
import { ConfigError, readSettings, setConfig, type Config } from "../shared/config.js";
import { createServices } from "../shared/composition.js";
import { readJsonBody } from "../shared/http/input.js";
import { offerDevTokens } from "../shared/http/api-explorer.js";
import { problem, toProblemResponse } from "../shared/http/problem.js";
import { MAX_BODY_BYTES, registeredFunctions, resolveBinding } from "../shared/registry.js";
import { setServices } from "../shared/services.js";
import { startCosmosSnapshots } from "./cosmos-snapshots.js";
import {
  azuriteLocation,
  PortInUseError,
  provisionStores,
  reservePort,
  startAzurite,
  startCosmosServer,
} from "./emulators.js";
import { createLocalIssuer, tokenRequestSchema, type LocalIssuer } from "./issuer.js";
import { seedDemoDataSafely } from "./seed.js";
import { buildHostTable, localRoutes, matchRoute, type HostTable } from "./routes.js";
import { functionsRequest, writeResponse } from "./serve-functions.js";

export { buildHostTable, localRoutes, matchRoute };
import {
  defaultPorts,
  isLoopbackHostname,
  isLoopbackUrl,
  localDefaults,
  localIssuer,
  localOverrides,
} from "./settings.js";
import { startTimers, type TimerRunner } from "./timers.js";
import { InProcessTopic, ReplayRefusedError, type InProcessTopicOptions } from "./topic.js";
import { invocationTraceparent, logTraceId, registerLocalTracing } from "./tracing.js";

export interface LocalHostOptions {
  /** HTTP port; 0 picks a free one. Default 7071. */
  port?: number;
  /** Cosmos stand-in port when the settings do not name one; 0 picks a free one. Default 8081. */
  cosmosPort?: number;
  /** Azurite blob port when the settings do not name one; 0 picks a free one. Default 10000. */
  blobPort?: number;
  /** Where Azurite keeps its blobs and the Cosmos stand-in its snapshot. Default `.data`. */
  dataDir?: string;
  /**
   * Keep the Cosmos stand-in's data across restarts in `<dataDir>/cosmos-snapshot.json`
   * (dev/cosmos-snapshots.ts): loaded at start, saved a few seconds after each write and at
   * stop. `npm start` does; tests mostly start empty.
   */
  keepData?: boolean;
  /** Start with no data: ignore the Cosmos snapshot and empty Azurite's folder (`--fresh`). */
  fresh?: boolean;
  /** How often a changed store is saved with keepData. Default 2 s. */
  snapshotIntervalMs?: number;
  /** Seed the demo tenant "demo" through the API (dev/seed.ts) once the host serves. */
  seed?: boolean;
  /** A Functions-style settings file; `null` reads none. Default `local.settings.json`. */
  settingsFile?: string | null;
  /** Values that override the file; default the process environment. */
  environment?: Record<string, string | undefined>;
  topic?: Pick<InProcessTopicOptions, "duplicateWindowMs" | "maxDeliveries" | "redeliveryDelayMs">;
  /** Where the host's log lines go. Default stdout. */
  log?: (line: string) => void;
}

export interface LocalHost {
  /** The API base, e.g. `http://localhost:7071/api`. */
  url: string;
  port: number;
  config: Config;
  topic: InProcessTopic;
  cosmosEndpoint: string;
  blobUrl: string;
  /** Which stores run as local stand-ins (false when the settings point elsewhere). */
  standIns: { cosmos: boolean; blob: boolean };
  /** Whether POST /api/dev/token is served (not when a data endpoint is off this machine). */
  tokenRoute: boolean;
  /** Documents loaded from the Cosmos snapshot at start (0 without keepData or a snapshot). */
  loadedDocuments: number;
  /** With keepData: saves the Cosmos snapshot now if the data changed (tests; stop saves too). */
  saveData(): Promise<void>;
  stop(): Promise<void>;
}

const ROUTE_PREFIX = "/api/";

/** The URL of a data endpoint on this machine, whose port a stand-in takes; else undefined. */
function loopbackEndpoint(value: string | undefined): URL | undefined {
  return value !== undefined && isLoopbackUrl(value) ? new URL(value) : undefined;
}

/**
 * The data settings that point off this machine. The local issuer signs any tenant, user and
 * role for whoever asks, so its token route must never sit in front of real data. (Events go
 * to the local host's in-process topic whatever the Service Bus settings say.)
 */
export function offMachineDataSettings(
  config: Pick<Config, "COSMOS__accountEndpoint" | "DATA_STORAGE__blobServiceUri">,
): string[] {
  const settings = ["COSMOS__accountEndpoint", "DATA_STORAGE__blobServiceUri"] as const;
  return settings.filter((key) => !isLoopbackUrl(config[key]));
}

/**
 * Whether a local route answers a request whose Host header named `hostname`. The host listens
 * on 127.0.0.1 only, but a web page can rebind its own DNS name to 127.0.0.1 and then read
 * what it asks for as same-origin: only requests addressed to a loopback name are served, so
 * such a page never gets a token. The token and dead-letter routes also need the data to be
 * local: dead letters hold events of that data, and the token route signs anything.
 */
export function servesLocalRoute(
  path: string,
  hostname: string,
  options: { tokenRoute: boolean },
): boolean {
  if (!isLoopbackHostname(hostname)) return false;
  return path === "dev/jwks" || options.tokenRoute;
}

function portOf(url: URL, fallback: number): number {
  return url.port ? Number(url.port) : fallback;
}

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => log(`stop: ${String(error)}`));
    }
  };

  // Bind the HTTP port first: a taken port is reported before anything else starts.
  let state: HostState | undefined;
  const server = createServer((req, res) => {
    void serve(req, res, state, log);
  });
  // Answer an announced oversized body with 413 at once instead of inviting the client to send it.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (!(Number.isFinite(declared) && declared > MAX_BODY_BYTES)) res.writeContinue();
    void serve(req, res, state, log);
  });
  const requestedPort = options.port ?? defaultPorts.http;
  try {
    server.listen(requestedPort, "127.0.0.1");
    await once(server, "listening");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "EADDRINUSE")
      throw new PortInUseError(requestedPort, "local host HTTP");
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });

  try {
    const overrides = localOverrides(options);

    // A stand-in runs unless the settings point that store somewhere else; a local URL in the
    // settings says which port the stand-in must use.
    const cosmosOverride = overrides.COSMOS__accountEndpoint;
    const blobOverride = overrides.DATA_STORAGE__blobServiceUri;
    const localCosmos = loopbackEndpoint(cosmosOverride);
    const localBlob = loopbackEndpoint(blobOverride);
    const runCosmos = !cosmosOverride || localCosmos !== undefined;
    const runBlob = !blobOverride || localBlob !== undefined;
    const cosmosPort = localCosmos
      ? portOf(localCosmos, 443)
      : await reservePort(options.cosmosPort ?? defaultPorts.cosmos, "Cosmos DB stand-in");
    const blobPort = localBlob
      ? portOf(localBlob, 80)
      : await reservePort(options.blobPort ?? defaultPorts.blob, "Azurite blob");

    const { config, warnings } = readSettings({
      ...localDefaults({ http: port, cosmos: cosmosPort, blob: blobPort }),
      ...overrides,
    });
    for (const warning of warnings) log(`settings: ${warning}`);

    const dataDir = resolve(options.dataDir ?? ".data");
    if (options.fresh && runBlob)
      await rm(azuriteLocation(dataDir), { recursive: true, force: true });
    setConfig(config);
    // With a connection string the composition starts Azure Monitor's SDK instead, as in Azure.
    if (!config.APPLICATIONINSIGHTS_CONNECTION_STRING) registerLocalTracing();
    // Loading the functions is CPU-bound and the stand-ins mostly wait, so they overlap.
    const [cosmos, azurite, loaded] = await Promise.allSettled([
      runCosmos ? startCosmosServer(cosmosPort) : Promise.resolve(undefined),
      runBlob ? startAzurite({ port: blobPort, dataDir, log }) : Promise.resolve(undefined),
      loadFunctions(),
    ]);
    for (const standIn of [cosmos, azurite]) {
      if (standIn.status === "fulfilled" && standIn.value) {
        const running = standIn.value;
        cleanups.push(() => running.stop());
      }
    }
    for (const result of [cosmos, azurite, loaded]) {
      if (result.status === "rejected") throw result.reason;
    }
    await provisionStores(config, { cosmos: runCosmos, blob: runBlob });

    // Created before the topic and the timers, so its last save at stop runs after theirs ended.
    const snapshots =
      options.keepData && runCosmos
        ? await startCosmosSnapshots(config, {
            file: join(dataDir, "cosmos-snapshot.json"),
            fresh: options.fresh ?? false,
            ...(options.snapshotIntervalMs ? { intervalMs: options.snapshotIntervalMs } : {}),
            log,
          })
        : undefined;
    if (snapshots) cleanups.push(() => snapshots.stop());
    const changed = () => snapshots?.markDirty();

    const table = withWriteNotice(buildHostTable(registeredFunctions()), changed);
    const logHandler = contextLogHandler(log);

    // Trigger bindings name the topic by setting (%EVENTS_TOPIC%), resolved as the Functions host does.
    const subscriptions = table.subscriptions.map((s) => ({
      ...s,
      topicName: resolveBinding(s.topicName, config),
    }));
    const topic = InProcessTopic.fromDefinitions(subscriptions, {
      topicName: config.EVENTS_TOPIC,
      ...options.topic,
      logHandler,
      onDeadLetter: (d) =>
        log(
          `topic: dead-lettered ${d.messageId} (${d.subject}) on ${d.subscriptionName} after ` +
            `${d.deliveryCount} deliveries: ${d.errorDescription}`,
        ),
    });
    cleanups.push(() => topic.close());
    for (const s of subscriptions) {
      if (s.topicName !== config.EVENTS_TOPIC)
        log(
          `topic: ${s.name} listens on topic ${s.topicName}, which the local host does not carry`,
        );
    }

    // The composition builds the Azure clients; the local host adds its topic as publisher.
    const services = { ...createServices(config), publisher: topic };
    setServices(services);

    const timers: TimerRunner = startTimers(table.timers, {
      logHandler,
      onError: (name) => log(`timer: ${name} failed (see its log above)`),
    });
    cleanups.push(() => timers.stop());

    const issuer = await createLocalIssuer(localIssuer(port), config.AUTH_AUDIENCE);
    const offMachine = offMachineDataSettings(config);
    if (offMachine.length > 0)
      log(
        `dev: POST /api/dev/token is not served and no demo data is seeded: ` +
          `${offMachine.join(" and ")} ${offMachine.length > 1 ? "point" : "points"} off this ` +
          "machine, and the local issuer must never sign tokens for real data.",
      );
    state = { table, issuer, topic, tokenRoute: offMachine.length === 0, changed };
    offerDevTokens(state.tokenRoute);
    // Through the API itself, now that it serves; a failed seed is logged, never fatal. Never
    // into data off this machine, with tokens the local issuer signed.
    const loadedDocuments = snapshots?.loaded ?? 0;
    if (loadedDocuments > 0)
      log(
        `dev: ${loadedDocuments} documents loaded from ${join(dataDir, "cosmos-snapshot.json")}` +
          `${options.seed ? "; no demo seed (it goes only into an empty store)" : ""}; ` +
          "`npm start -- --fresh` starts empty.",
      );
    if (options.seed && state.tokenRoute && loadedDocuments === 0)
      await seedDemoDataSafely({
        baseUrl: `http://127.0.0.1:${port}/api`,
        token: (principal) => issuer.sign(principal),
        log,
      });

    return {
      url: `http://localhost:${port}/api`,
      port,
      config,
      topic,
      cosmosEndpoint: config.COSMOS__accountEndpoint,
      blobUrl: config.DATA_STORAGE__blobServiceUri,
      standIns: { cosmos: runCosmos, blob: runBlob },
      tokenRoute: state.tokenRoute,
      loadedDocuments,
      saveData: () => snapshots?.save() ?? Promise.resolve(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The table with topic and timer handlers that report, when done, that they may have written. */
function withWriteNotice(table: HostTable, changed: () => void): HostTable {
  const notify =
    <A extends unknown[]>(handler: (...args: A) => Promise<void>) =>
    (...args: A) =>
      handler(...args).finally(changed);
  return {
    ...table,
    subscriptions: table.subscriptions.map((s) => ({ ...s, handler: notify(s.handler) })),
    timers: table.timers.map((t) => ({ ...t, handler: notify(t.handler) })),
  };
}

/** Loads functions/index.ts (the Azure composition and every registration), once per process. */
async function loadFunctions(): Promise<void> {
  // Outside the Functions runtime, @azure/functions warns once per registration that it is in
  // test mode; the local host serves those functions itself, so the warnings are only noise.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes('"@azure/functions" package')) return;
    warn(...args);
  };
  try {
    await import("../functions/index.js");
  } finally {
    console.warn = warn;
  }
}

function contextLogHandler(log: (line: string) => void): LogHandler {
  return function (this: FunctionsContext, level, ...args) {
    const traceId = logTraceId(this.traceContext?.traceParent);
    log(
      `  [${this.functionName} ${this.invocationId} trace ${traceId}] ${level}: ${format(...args)}`,
    );
  };
}

/**
 * Reads the body, or stops at the limit (the caller answers 413 and discards the rest without
 * keeping it). Not `for await`: leaving that loop early destroys the socket before the 413 is sent.
 */
function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > MAX_BODY_BYTES) {
        done();
        resolve(undefined);
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

interface HostState {
  table: HostTable;
  issuer: LocalIssuer;
  topic: InProcessTopic;
  /** Whether POST /api/dev/token is served (only when every data endpoint is local). */
  tokenRoute: boolean;
  /** Something may have written to the stores (the Cosmos snapshot saves soon). */
  changed: () => void;
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  state: HostState | undefined,
  log: (line: string) => void,
): Promise<void> {
  const started = performance.now();
  const invocationId = randomUUID();
  const header = req.headers.traceparent;
  const traceParent = invocationTraceparent(typeof header === "string" ? header : undefined);
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  let response: HttpResponseInit;
  let drain = false;
  try {
    if (!state) {
      response = problem("DEPENDENCY_UNAVAILABLE", "The local host is still starting.", {
        headers: { "Retry-After": "1" },
      });
    } else {
      const routed = await route(req, method, url, { invocationId, traceParent }, state, log);
      response = routed.response;
      drain = routed.tooLarge;
    }
  } catch (error) {
    response = toProblemResponse(
      error,
      (message, cause) => log(`host: ${message}: ${String(cause)}`),
      5,
    );
  }
  if (drain) discardBody(req);
  if (state && !["GET", "HEAD", "OPTIONS"].includes(method)) state.changed();
  try {
    await writeResponse(res, response, invocationId);
  } catch (error) {
    log(`host: could not write the response: ${String(error)}`);
    res.destroy();
  }
  const ms = Math.round(performance.now() - started);
  log(
    `${method} ${url.pathname} ${res.statusCode} ${ms}ms ${invocationId} trace ${traceParent.slice(3, 35)}`,
  );
}

async function route(
  req: IncomingMessage,
  method: string,
  url: URL,
  invocation: { invocationId: string; traceParent: string },
  state: HostState,
  log: (line: string) => void,
): Promise<{ response: HttpResponseInit; tooLarge: boolean }> {
  const notFound = { response: problem("NOT_FOUND", "No such route."), tooLarge: false };
  if (!url.pathname.toLowerCase().startsWith(ROUTE_PREFIX)) return notFound;
  const path = url.pathname.slice(ROUTE_PREFIX.length);

  const local = localRoutes.filter((r) => r.path === path.replace(/\/$/, "").toLowerCase());
  const localRoute = local.find((r) => r.method === method);
  if (local.length > 0 && !localRoute) {
    return { response: methodNotAllowed(local.map((r) => r.method)), tooLarge: false };
  }
  // The same answer as for a route that does not exist: it tells the caller nothing.
  if (localRoute && !servesLocalRoute(localRoute.path, url.hostname, state)) return notFound;

  const match = localRoute ? undefined : matchRoute(state.table, method, path);
  if (match?.kind === "notFound") return notFound;
  if (match?.kind === "methodNotAllowed") {
    return { response: methodNotAllowed(match.allow), tooLarge: false };
  }

  const bytes = await readBody(req);
  if (!bytes) {
    return {
      response: problem("PAYLOAD_TOO_LARGE", `The body exceeds ${MAX_BODY_BYTES} bytes.`),
      tooLarge: true,
    };
  }
  const functionName = match?.kind === "match" ? match.route.name : `local:${localRoute?.path}`;
  const request = functionsRequest(
    req,
    method,
    url,
    bytes,
    match?.kind === "match" ? match.params : {},
  );
  const context = new InvocationContext({
    invocationId: invocation.invocationId,
    functionName,
    logHandler: contextLogHandler(log),
    traceContext: { traceParent: invocation.traceParent },
  });
  if (match?.kind === "match") {
    return { response: await match.route.handler(request, context), tooLarge: false };
  }
  return {
    response: await serveLocal(localRoute?.path ?? "", request, state),
    tooLarge: false,
  };
}

/** What POST /api/dev/dead-letters/replay takes (dev/dlq.ts sends it). */
const replayRequestSchema = z.object({
  subscription: z.string().min(1),
  messageId: z.string().min(1),
});

async function serveLocal(
  path: string,
  request: FunctionsRequest,
  { issuer, topic }: HostState,
): Promise<HttpResponseInit> {
  try {
    switch (path) {
      case "dev/dead-letters":
        return {
          status: 200,
          jsonBody: { items: topic.deadLetters().map(({ message: _, ...entry }) => entry) },
          headers: { "Cache-Control": "no-store" },
        };
      case "dev/dead-letters/replay": {
        const { subscription, messageId } = await readJsonBody(
          request,
          replayRequestSchema,
          MAX_BODY_BYTES,
        );
        try {
          const replayed = topic.replay(subscription, messageId);
          return {
            status: 200,
            jsonBody: { replayed: { subscriptionName: replayed.subscriptionName, messageId } },
          };
        } catch (error) {
          if (!(error instanceof ReplayRefusedError)) throw error;
          return problem(error.code === "NOT_FOUND" ? "NOT_FOUND" : "CONFLICT", error.message);
        }
      }
      case "dev/token": {
        const token = await issuer.sign(
          await readJsonBody(request, tokenRequestSchema, MAX_BODY_BYTES),
        );
        return { status: 200, jsonBody: { token }, headers: { "Cache-Control": "no-store" } };
      }
      case "dev/jwks":
        return { status: 200, jsonBody: issuer.jwks };
      default:
        return problem("NOT_FOUND", "No such route.");
    }
  } catch (error) {
    return toProblemResponse(error, () => undefined, 5);
  }
}

const MAX_DISCARDED_BYTES = 64 * MAX_BODY_BYTES;

/**
 * Reads and drops the rest of an oversized body so the client, still sending, receives the 413
 * instead of a reset connection. Nothing is kept; a client that keeps sending past a generous
 * bound loses the connection.
 */
function discardBody(req: IncomingMessage): void {
  let discarded = 0;
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.byteLength;
    if (discarded > MAX_DISCARDED_BYTES) req.socket.destroy();
  });
  req.resume();
}

function methodNotAllowed(allow: readonly string[]): HttpResponseInit {
  return problem("METHOD_NOT_ALLOWED", "This route does not accept that method.", {
    headers: { Allow: allow.join(", ") },
  });
}

// ---------- command line ----------

function usage(): string {
  return [
    "Usage: npm start -- [--port 7071] [--no-seed] [--fresh] [--data-dir .data] [--cosmos-port 8081] [--blob-port 10000]",
    "Data is kept under the data folder across restarts; --fresh starts empty (and the next save replaces it).",
    "Settings come from built-in local values, then local.settings.json, then the environment.",
  ].join("\n");
}

function parsePort(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got "${value}".`);
  }
  return port;
}

async function main(): Promise<void> {
  let options: LocalHostOptions;
  try {
    const { values } = parseArgs({
      options: {
        port: { type: "string" },
        "no-seed": { type: "boolean" },
        fresh: { type: "boolean" },
        "data-dir": { type: "string" },
        "cosmos-port": { type: "string" },
        "blob-port": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(usage());
      return;
    }
    options = {
      port: parsePort(values.port ?? process.env.PORT, "--port") ?? defaultPorts.http,
      seed: !values["no-seed"],
      keepData: true,
      fresh: values.fresh ?? false,
      ...(values["data-dir"] ? { dataDir: values["data-dir"] } : {}),
      ...(values["cosmos-port"]
        ? { cosmosPort: parsePort(values["cosmos-port"], "--cosmos-port") }
        : {}),
      ...(values["blob-port"] ? { blobPort: parsePort(values["blob-port"], "--blob-port") } : {}),
    };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage()}`);
    process.exit(2);
  }

  // Signals are handled from the start: one that arrives while the stand-ins are still
  // starting stops them as soon as start-up ends. A terminal's Ctrl-C reaches npm, tsx and this
  // process at once (and tsx relays it again), so only a signal well after the first one forces
  // an exit.
  let host: LocalHost | undefined;
  let stoppingSince: number | undefined;
  const stop = (current: LocalHost) =>
    current.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("Stop failed:", error);
        process.exit(1);
      },
    );
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < 2000) return;
      console.error(`${signal} again: exiting without a clean stop.`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(`${signal}: stopping…`);
    if (host) void stop(host);
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  try {
    host = await startLocalHost(options);
  } catch (error) {
    if (error instanceof PortInUseError || error instanceof ConfigError)
      console.error(error.message);
    else console.error("The local host could not start:", error);
    process.exit(1);
  }
  if (stoppingSince !== undefined) {
    await stop(host);
    return;
  }

  const table = buildHostTable(registeredFunctions());
  // performance.now() counts from this process's start.
  const seconds = (performance.now() / 1000).toFixed(1);
  const origin = host.url.replace(/\/api$/, "");
  console.log(
    [
      "",
      `Evaluation Sessions local host ready in ${seconds} s`,
      `  API        ${host.url}  (${table.routes.length} HTTP functions, ${table.subscriptions.length} topic subscriptions, ${table.timers.length} timers)`,
      `  Explorer   ${host.url}/docs  (Swagger UI: Authorize, Try it out${host.tokenRoute ? ", a local token form" : ""})`,
      `  OpenAPI    ${host.url}/openapi.json`,
      `  Health     ${host.url}/health`,
      `  Cosmos DB  ${host.cosmosEndpoint}  ${host.standIns.cosmos ? "(cosmosdb-server in this process, in memory, self-signed TLS)" : "(from your settings)"}`,
      `  Blob       ${host.blobUrl}  ${host.standIns.blob ? "(Azurite, child process)" : "(from your settings)"}`,
      `  Data       ${resolve(options.dataDir ?? ".data")}  (Azurite's files and cosmos-snapshot.json, saved every 2 s after a write and at stop${options.fresh ? "; started fresh" : ""})`,
      "",
      ...(host.tokenRoute
        ? [
            "Get a token (8 h) from the local issuer:",
            "  npm run token -- --tenant t --user evaluator-1 --roles QM.Evaluator",
            `  curl -s -X POST ${host.url}/dev/token -H 'Content-Type: application/json' \\`,
            `    -d '{"tenantId":"t","userId":"evaluator-1","roles":["QM.Evaluator"]}'`,
            `then: curl -H "Authorization: Bearer $TOKEN" ${origin}/api/me`,
          ]
        : ["No local tokens: the data is not on this machine (see the log above)."]),
      "Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  await main();
}
