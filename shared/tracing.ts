// One trace per operation, from the HTTP request through the topic to every consumer, written
// against the OpenTelemetry API alone. Which SDK records the spans is the host's choice: Azure
// Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set (shared/adapters/telemetry.ts, loaded
// only then), the local host's own provider (dev/tracing.ts), a test's in-memory exporter. With
// no SDK registered every call here is a no-op that costs a few allocations.
//
// The registry (shared/registry.ts) opens a span around every invocation and hands handlers a
// publisher that stamps the publish span's W3C `traceparent` on each CloudEvent (the CloudEvents
// distributed-tracing extension) and, through the Service Bus publisher, on the message
// (`Diagnostic-Id`). Consumers continue the trace the message carries, so new functions and new
// event types are traced without code of their own.
import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from "@opentelemetry/api";
import type { CloudEvent } from "./domain/model.js";
import type { EventPublisher } from "./ports.js";

export { SpanKind, SpanStatusCode };

const tracerName = "evaluation-sessions";

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The span context a W3C `traceparent` names, or undefined when it is missing or malformed. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== "string") return undefined;
  const match = traceparentPattern.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const spanContext: SpanContext = {
    traceId: match[1] ?? "",
    spanId: match[2] ?? "",
    traceFlags: Number.parseInt(match[3] ?? "0", 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, "0");
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The trace id of a `traceparent`, for log lines; undefined when there is none. */
export function traceIdOf(traceparent: unknown): string | undefined {
  return parseTraceparent(traceparent)?.traceId;
}

/** The active span's `traceparent`: what an outgoing message carries. */
export function activeTraceparent(): string | undefined {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && isSpanContextValid(spanContext)
    ? formatTraceparent(spanContext)
    : undefined;
}

/**
 * The `traceparent` a topic message carries: the CloudEvent's extension attribute first (it
 * travels with the body through any forwarder), then Service Bus's `Diagnostic-Id`.
 */
export function messageTraceparent(
  body: unknown,
  applicationProperties?: Readonly<Record<string, unknown>>,
): string | undefined {
  const parsed = messageBody(body);
  const fromEvent =
    parsed !== null && typeof parsed === "object" && "traceparent" in parsed
      ? parsed.traceparent
      : undefined;
  if (parseTraceparent(fromEvent)) return String(fromEvent);
  const fromProperties = applicationProperties?.["Diagnostic-Id"];
  return parseTraceparent(fromProperties) ? String(fromProperties) : undefined;
}

/**
 * A topic message's body as the Functions host hands it to a trigger: JSON text parsed, other
 * text as it is, anything else unchanged. The consumers' parsers (shared/app/messages.ts) and
 * the local topic (dev/topic.ts) read bodies through it too.
 */
export function messageBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

// ---------- starting the SDK ----------

let setup: (() => Promise<void>) | undefined;
let started: Promise<void> | undefined;

/**
 * How the process starts its tracing SDK (the composition root installs it); it runs once, on
 * the first invocation, so a cold start without telemetry never loads an SDK.
 */
export function setTracingSetup(start: () => Promise<void>): void {
  setup = start;
  started = undefined;
}

function tracingReady(): Promise<void> {
  // A setup that fails has reported why; the invocation runs untraced rather than not at all.
  started ??= (setup ? setup() : Promise.resolve()).catch(() => undefined);
  return started;
}

// ---------- spans ----------

export interface SpanOptions {
  kind: SpanKind;
  /** The `traceparent` to continue; without one, the active context (a new trace at the root). */
  parent?: string | undefined;
  /** Other traces this span relates to (the Functions host's own invocation, ...). */
  links?: readonly (string | undefined)[];
  attributes?: Attributes;
}

function parentContext(traceparent: string | undefined): Context {
  const spanContext = parseTraceparent(traceparent);
  return spanContext ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : context.active();
}

/**
 * Runs `fn` inside a new span and ends it: an exception is recorded on it and rethrown. The
 * span is active for everything `fn` awaits, so spans and messages started there belong to it.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  await tracingReady();
  const parent = parentContext(options.parent);
  const links: Link[] = [];
  for (const link of options.links ?? []) {
    const spanContext = parseTraceparent(link);
    if (spanContext && spanContext.traceId !== trace.getSpanContext(parent)?.traceId)
      links.push({ context: spanContext });
  }
  const span = trace.getTracer(tracerName).startSpan(
    name,
    {
      kind: options.kind,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      links,
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}

/** A CloudEvent as it is sent: with the CloudEvents distributed-tracing extension attribute. */
export type TracedCloudEvent = CloudEvent & { traceparent?: string };

/**
 * A publisher that sends inside a `publish` span and stamps its `traceparent` on a copy of each
 * event (the stored outbox keeps its events as they were). Without an active trace the events
 * go out untouched.
 */
export function tracedPublisher(inner: EventPublisher): EventPublisher {
  return {
    publish(events, options) {
      return inSpan(
        "publish",
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            "messaging.operation.type": "send",
            "messaging.batch.message_count": events.length,
            "messaging.message.id": events.map((e) => e.id).join(","),
          },
        },
        () => {
          const traceparent = activeTraceparent();
          const outgoing: readonly TracedCloudEvent[] = traceparent
            ? events.map((event) => ({ ...event, traceparent }))
            : events;
          return inner.publish(outgoing, options);
        },
      );
    },
  };
}
