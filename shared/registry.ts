// The one way a function is registered. Each helper calls the Azure Functions `app.*` API and
// records the definition (route, methods, roles, schemas), so the local host, the OpenAPI
// document and the tests find every function. HTTP functions get authentication, role checks,
// input parsing and problem+json errors here, before and around their handler.
import {
  app,
  type HttpMethod,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
  type Timer,
} from "@azure/functions";
import type { z } from "zod";
import type { Actor, Role } from "./domain/access.js";
import { AppError } from "./domain/errors.js";
import { isValidId } from "./domain/ids.js";
import type { Parsed, SeenRevision } from "./domain/requests.js";
import { DEFAULT_RETRY_AFTER_SECONDS, type Config } from "./config.js";
import { seenRevision } from "./http/etag.js";
import { readJsonBody, parseQuery } from "./http/input.js";
import { toProblemResponse } from "./http/problem.js";
import type { Logger } from "./ports.js";
import { getServices, type Services } from "./services.js";
import {
  inSpan,
  messageTraceparent,
  SpanKind,
  SpanStatusCode,
  tracedPublisher,
} from "./tracing.js";

/** Who may call: no token at all, any verified token, or a verified token with one of the roles. */
export type Access = "anonymous" | "authenticated" | readonly Role[];

/** `{id}` / `{id?}` segments of a route template, as a typed record. */
export type ParamsOf<Route extends string> = Route extends `${string}{${infer Param}}${infer Rest}`
  ? (Param extends `${infer Name}?` ? { [K in Name]?: string } : { [K in Param]: string }) &
      ParamsOf<Rest>
  : unknown;

export interface HttpCall<Route extends string, A extends Access, Q, B> {
  request: HttpRequest;
  /** The invocation's log (what use cases report that nobody waits for). */
  log: Logger;
  services: Services;
  principal: A extends "anonymous" ? undefined : Actor;
  params: ParamsOf<Route>;
  query: Q;
  /**
   * The body parsed against the declared schema, or why it could not be: the domain raises a
   * failure where the order of checks puts 400 (after 404 and 403), not here.
   */
  body: Parsed<B>;
  /** The revision named by If-Match (428/412 are the domain's, after 400). */
  ifMatch: SeenRevision;
}

export interface HttpResponseDoc {
  status: number;
  description: string;
  schema?: z.ZodType;
  /** Default `application/json` (`application/problem+json` for 4xx/5xx). */
  contentType?: string;
}

export interface HttpFunctionSpec<
  Route extends string,
  A extends Access,
  QS extends z.ZodType | undefined,
  BS extends z.ZodType | undefined,
> {
  name: string;
  route: Route;
  methods: readonly HttpMethod[];
  access: A;
  summary: string;
  tags?: readonly string[];
  query?: QS;
  body?: BS;
  /** Writes to an existing resource that need If-Match (documented in OpenAPI). */
  ifMatch?: boolean;
  responses: readonly HttpResponseDoc[];
  handler: (
    call: HttpCall<
      Route,
      A,
      QS extends z.ZodType ? z.output<QS> : undefined,
      BS extends z.ZodType ? z.output<BS> : undefined
    >,
  ) => Promise<HttpResponseInit>;
}

/** What the registry records of an HTTP function (the local host serves exactly these). */
export interface HttpFunctionDefinition {
  kind: "http";
  name: string;
  route: string;
  methods: readonly HttpMethod[];
  access: Access;
  summary: string;
  tags: readonly string[];
  query?: z.ZodType;
  body?: z.ZodType;
  ifMatch: boolean;
  responses: readonly HttpResponseDoc[];
  handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
}

export interface ServiceBusFunctionDefinition {
  kind: "serviceBus";
  name: string;
  connection: string;
  /** A binding expression (`%EVENTS_TOPIC%`) the Functions host resolves from app settings. */
  topicName: string;
  subscriptionName: string;
  /**
   * The subjects (event types) its subscription takes: one correlation rule each, the same in
   * Bicep; absent, every message.
   */
  subjectFilters?: readonly string[];
  handler: (message: unknown, context: InvocationContext) => Promise<void>;
}

export interface TimerFunctionDefinition {
  kind: "timer";
  name: string;
  schedule: string;
  handler: (timer: Timer, context: InvocationContext) => Promise<void>;
}

export type FunctionDefinition =
  HttpFunctionDefinition | ServiceBusFunctionDefinition | TimerFunctionDefinition;

const definitions = new Map<string, FunctionDefinition>();

/** Every function registered so far, in registration order. */
export function registeredFunctions(): readonly FunctionDefinition[] {
  return [...definitions.values()];
}

function record(definition: FunctionDefinition): void {
  if (definitions.has(definition.name))
    throw new Error(`Function ${definition.name} is registered twice.`);
  definitions.set(definition.name, definition);
}

export const MAX_BODY_BYTES = 1024 * 1024;

function routeParamNames(route: string): string[] {
  return [...route.matchAll(/\{([A-Za-z0-9_]+)\??\}/g)].map((m) => m[1] ?? "");
}

function hasAccess(access: Access, principal: Actor | undefined): boolean {
  if (access === "anonymous" || access === "authenticated") return true;
  return principal !== undefined && access.some((role) => principal.roles.has(role));
}

export function httpFunction<
  const Route extends string,
  const A extends Access,
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
>(spec: HttpFunctionSpec<Route, A, QS, BS>): HttpFunctionDefinition {
  const paramNames = routeParamNames(spec.route);

  const handler = (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    inSpan(
      `${request.method} /api/${spec.route}`,
      {
        kind: SpanKind.SERVER,
        // The Functions host's invocation, which continues the caller's `traceparent` header.
        parent: context.traceContext?.traceParent,
        attributes: {
          "http.request.method": request.method,
          "http.route": `/api/${spec.route}`,
          "faas.invocation_id": context.invocationId,
        },
      },
      async (span) => {
        const response = await serveHttp(request, context);
        const status = response.status ?? 200;
        span.setAttribute("http.response.status_code", status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      },
    );

  const serveHttp = async (
    request: HttpRequest,
    context: InvocationContext,
  ): Promise<HttpResponseInit> => {
    let services: Services | undefined;
    let response: HttpResponseInit;
    try {
      services = tracedServices(getServices());
      let principal: Actor | undefined;
      if (spec.access !== "anonymous") {
        principal = await services.verifyToken(request.headers.get("authorization"));
        if (!hasAccess(spec.access, principal)) {
          throw new AppError("FORBIDDEN", "Your roles do not allow this operation.");
        }
      }
      const params: Record<string, string> = {};
      for (const name of paramNames) {
        const value = request.params[name];
        if (value === undefined) continue;
        if (!isValidId(value)) throw new AppError("NOT_FOUND", "No such resource.");
        params[name] = value;
      }
      const query = spec.query ? parseQuery(spec.query, request.query) : undefined;
      const body = spec.body
        ? await readBody(request, spec.body)
        : { ok: true as const, value: undefined };

      const call = {
        request,
        log: context,
        services,
        principal,
        params,
        query,
        body,
        ifMatch: seenRevision(request.headers.get("if-match")),
      } as unknown as HttpCall<
        Route,
        A,
        QS extends z.ZodType ? z.output<QS> : undefined,
        BS extends z.ZodType ? z.output<BS> : undefined
      >;
      response = await spec.handler(call);
    } catch (error) {
      response = toProblemResponse(
        error,
        (message, cause) => context.error(`${spec.name} ${message}`, describeError(cause)),
        services?.config.DEPENDENCY_RETRY_AFTER_SECONDS ?? DEFAULT_RETRY_AFTER_SECONDS,
      );
    }
    return withRequestId(response, context.invocationId);
  };

  const definition: HttpFunctionDefinition = {
    kind: "http",
    name: spec.name,
    route: spec.route,
    methods: spec.methods,
    access: spec.access,
    summary: spec.summary,
    tags: spec.tags ?? [],
    ...(spec.query ? { query: spec.query } : {}),
    ...(spec.body ? { body: spec.body } : {}),
    ifMatch: spec.ifMatch ?? false,
    responses: spec.responses,
    handler,
  };
  record(definition);
  app.http(spec.name, {
    route: spec.route,
    methods: [...spec.methods],
    authLevel: "anonymous", // authentication is the bearer token, checked above
    handler,
  });
  return definition;
}

/**
 * A declared Content-Length over the limit is refused at once (413, nothing read); any other
 * problem with the body (its media type, its JSON, its schema) is kept for the domain to raise.
 */
async function readBody<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
): Promise<Parsed<z.output<S>>> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(length) && length > MAX_BODY_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The body exceeds ${MAX_BODY_BYTES} bytes.`);
  }
  try {
    return { ok: true, value: await readJsonBody(request, schema, MAX_BODY_BYTES) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error };
    throw error;
  }
}

function withRequestId(response: HttpResponseInit, invocationId: string): HttpResponseInit {
  const headers = new Headers();
  const given = response.headers;
  if (given instanceof Headers) given.forEach((value, key) => headers.set(key, value));
  else if (Array.isArray(given)) for (const [key, value] of given) headers.set(key, value);
  else if (given) for (const [key, value] of Object.entries(given)) headers.set(key, value);
  headers.set("X-Request-Id", invocationId);
  return { ...response, headers: Object.fromEntries(headers.entries()) };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ""}`;
  return String(error);
}

export interface ServiceBusFunctionSpec {
  name: string;
  subscriptionName: string;
  subjectFilters?: readonly string[];
  handler: (message: unknown, log: Logger, services: Services) => Promise<void>;
}

/** Every subscription is on the events topic, named by the EVENTS_TOPIC setting (one source). */
const eventsTopicBinding = "%EVENTS_TOPIC%";

/** Whether a subscription with these filters takes a message with this subject. */
export function takesSubject(filters: readonly string[] | undefined, subject: string): boolean {
  return filters === undefined || filters.includes(subject);
}

/** Resolves a `%SETTING%` binding expression from the settings, as the Functions host does. */
export function resolveBinding(value: string, config: Config): string {
  const name = /^%([A-Za-z0-9_]+)%$/.exec(value)?.[1];
  if (!name) return value;
  const resolved = (config as Readonly<Record<string, unknown>>)[name];
  if (typeof resolved !== "string") throw new Error(`No setting ${name} for binding ${value}`);
  return resolved;
}

const tracedByServices = new WeakMap<Services, Services>();

/** The services a handler gets: the same, with a publisher that carries the trace on. */
function tracedServices(services: Services): Services {
  let traced = tracedByServices.get(services);
  if (!traced) {
    traced = { ...services, publisher: tracedPublisher(services.publisher) };
    tracedByServices.set(services, traced);
  }
  return traced;
}

function applicationProperties(context: InvocationContext): Record<string, unknown> | undefined {
  const properties = context.triggerMetadata?.applicationProperties;
  return properties !== null && typeof properties === "object"
    ? Object.fromEntries(Object.entries(properties))
    : undefined;
}

function messageIdAttribute(context: InvocationContext): Record<string, string> {
  const id = context.triggerMetadata?.messageId;
  return typeof id === "string" ? { "messaging.message.id": id } : {};
}

/** Topic-subscription trigger. Handlers log and rethrow so Service Bus retries and dead-letters. */
export function serviceBusFunction(spec: ServiceBusFunctionSpec): ServiceBusFunctionDefinition {
  const connection = "ServiceBusConnection";
  const handler = (message: unknown, context: InvocationContext): Promise<void> =>
    inSpan(
      `process ${spec.subscriptionName}`,
      {
        kind: SpanKind.CONSUMER,
        // The trace the message carries (the request that published it), not the host's own
        // invocation, which is linked instead: one trace shows request, publish and consumers.
        parent: messageTraceparent(message, applicationProperties(context)),
        links: [context.traceContext?.traceParent],
        attributes: {
          "messaging.system": "servicebus",
          "messaging.operation.type": "process",
          "messaging.destination.subscription.name": spec.subscriptionName,
          ...messageIdAttribute(context),
          "faas.invocation_id": context.invocationId,
        },
      },
      async () => {
        try {
          await spec.handler(message, context, tracedServices(getServices()));
        } catch (error) {
          context.error(`${spec.name} failed; the message will be retried`, describeError(error));
          throw error;
        }
      },
    );
  const definition: ServiceBusFunctionDefinition = {
    kind: "serviceBus",
    name: spec.name,
    connection,
    topicName: eventsTopicBinding,
    subscriptionName: spec.subscriptionName,
    ...(spec.subjectFilters ? { subjectFilters: spec.subjectFilters } : {}),
    handler,
  };
  record(definition);
  app.serviceBusTopic(spec.name, {
    connection,
    topicName: eventsTopicBinding,
    subscriptionName: spec.subscriptionName,
    handler,
  });
  return definition;
}

export interface TimerFunctionSpec {
  name: string;
  /** NCRONTAB with seconds, as the Functions host expects. */
  schedule: string;
  handler: (log: Logger, services: Services) => Promise<void>;
}

export function timerFunction(spec: TimerFunctionSpec): TimerFunctionDefinition {
  const handler = (_timer: Timer, context: InvocationContext): Promise<void> =>
    inSpan(
      `timer ${spec.name}`,
      {
        kind: SpanKind.INTERNAL,
        parent: context.traceContext?.traceParent,
        attributes: { "faas.invocation_id": context.invocationId },
      },
      async () => {
        try {
          await spec.handler(context, tracedServices(getServices()));
        } catch (error) {
          context.error(`${spec.name} failed`, describeError(error));
          throw error;
        }
      },
    );
  const definition: TimerFunctionDefinition = {
    kind: "timer",
    name: spec.name,
    schedule: spec.schedule,
    handler,
  };
  record(definition);
  app.timer(spec.name, { schedule: spec.schedule, handler });
  return definition;
}
