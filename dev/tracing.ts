// Tracing on the local host: the OpenTelemetry SDK records spans in this process (and exports
// none), so the trace context of a request reaches what it publishes and the consumers it
// triggers, the way Azure Monitor's SDK does it in Azure (shared/tracing.ts). The host prints
// the trace id with each request line and each function's log line.
import { randomBytes } from "node:crypto";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { activeTraceparent, parseTraceparent, traceIdOf } from "../shared/tracing.js";

let registered = false;

/** Registers the SDK once per process (a test may have registered its own before). */
export function registerLocalTracing(): void {
  if (registered) return;
  registered = true;
  new NodeTracerProvider().register();
}

/**
 * What the Functions host hands an invocation as its trace context: a span of its own in the
 * caller's trace (an incoming `traceparent` header, a message's), or in a new one.
 */
export function invocationTraceparent(incoming?: string): string {
  const traceId = parseTraceparent(incoming)?.traceId ?? randomBytes(16).toString("hex");
  return `00-${traceId}-${randomBytes(8).toString("hex")}-01`;
}

/** The trace id a function's log line shows: its active span's, else its invocation's. */
export function logTraceId(invocationTraceparent: string | undefined): string {
  return traceIdOf(activeTraceparent()) ?? traceIdOf(invocationTraceparent) ?? "-";
}
