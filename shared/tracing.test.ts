// One completion, one trace: the request's span, the publish span and both consumers' spans
// share a trace id, each a child of the one before, and the CloudEvent carries the publish
// span's `traceparent`. Recorded by the OpenTelemetry SDK's in-memory exporter.
import { context, propagation, trace } from "@opentelemetry/api";
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import { alice, createSession, saveBestAnswers, tenant } from "../test/support/scenario.js";
import {
  activeTraceparent,
  formatTraceparent,
  inSpan,
  messageBody,
  messageTraceparent,
  parseTraceparent,
  SpanKind,
  type TracedCloudEvent,
} from "./tracing.js";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
  exporter.reset();
});

const notifyAgent = { dueDate: "2026-12-05T00:00:00Z", summary: "Well done", showScore: true };

function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  expect(
    found.map((s) => s.name),
    `spans named ${name}`,
  ).toEqual([name]);
  return found[0]!;
}

describe("tracing a completion", () => {
  it("puts the request, the publish and both consumers in one trace", async () => {
    const s = await createSession(app);
    const saved = await saveBestAnswers(app, s);
    exporter.reset();

    // The Functions host hands the invocation its own trace context (continuing the caller's).
    const hostTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const completed = await app.call("sessionsComplete", {
      as: alice,
      params: { id: s.sessionId },
      headers: { "if-match": saved.headers.etag! },
      body: { notifyAgent },
      traceParent: hostTraceparent,
    });
    expect(completed.status).toBe(200);
    const delivered = await app.deliver();
    expect(delivered).toEqual({ delivered: 1, failed: 0 });

    const spans = exporter.getFinishedSpans();
    const request = only(spans, "POST /api/sessions/{id}/complete");
    const publish = only(spans, "publish");
    const tag = only(spans, "process tagging");
    const notify = only(spans, "process notifications");

    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    for (const span of [request, publish, tag, notify])
      expect([span.name, span.spanContext().traceId]).toEqual([span.name, traceId]);
    expect(request.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
    expect(publish.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(tag.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(notify.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect([request.kind, publish.kind, tag.kind]).toEqual([
      SpanKind.SERVER,
      SpanKind.PRODUCER,
      SpanKind.CONSUMER,
    ]);

    // The event as sent carries the publish span (CloudEvents distributed-tracing extension);
    // the outbox copy in the session document does not.
    const [event] = app.publisher.published as TracedCloudEvent[];
    expect(event?.traceparent).toBe(formatTraceparent(publish.spanContext()));
    const stored = await app.stores.sessions.get(tenant, s.sessionId);
    expect(stored?.doc.pendingEvents).toEqual([]);
  });

  it("starts a new trace for a request that arrives without one", async () => {
    const res = await app.call("me", { as: alice });
    expect(res.status).toBe(200);
    const span = only(exporter.getFinishedSpans(), "GET /api/me");
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes["http.response.status_code"]).toBe(200);
  });

  it("records a consumer's failure on its span", async () => {
    const consumer = app.consumer("onSessionCompletedTag");
    await expect(consumer({ not: "an event" })).rejects.toThrow(/Invalid completed event/);
    const span = only(exporter.getFinishedSpans(), "process tagging");
    expect(span.status.message).toMatch(/Invalid completed event/);
    expect(span.events.map((e) => e.name)).toContain("exception");
  });
});

describe("trace context helpers", () => {
  it("read a traceparent only in the W3C form, never all-zero ids", () => {
    expect(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: 1,
      isRemote: true,
    });
    for (const bad of [
      undefined,
      42,
      "not-a-traceparent",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
    ])
      expect(parseTraceparent(bad)).toBeUndefined();
  });

  it("take a message's trace from the CloudEvent first, then from Diagnostic-Id", () => {
    const inEvent = "00-11111111111111111111111111111111-1111111111111111-01";
    const inProperty = "00-22222222222222222222222222222222-2222222222222222-01";
    const properties = { "Diagnostic-Id": inProperty };
    expect(messageTraceparent({ traceparent: inEvent }, properties)).toBe(inEvent);
    expect(messageTraceparent(JSON.stringify({ traceparent: inEvent }), properties)).toBe(inEvent);
    expect(messageTraceparent({ traceparent: "garbage" }, properties)).toBe(inProperty);
    expect(messageTraceparent("{not json", undefined)).toBeUndefined();
  });

  it("Finding 10: read a message body as the Functions host hands it", () => {
    expect(messageBody('{"id":"e1"}')).toEqual({ id: "e1" });
    expect(messageBody("{not json")).toBe("{not json");
    const parsed = { id: "e1" };
    expect(messageBody(parsed)).toBe(parsed);
    expect(messageBody(undefined)).toBeUndefined();
  });

  it("expose the active span's traceparent inside a span and nothing outside", async () => {
    expect(activeTraceparent()).toBeUndefined();
    const inside = await inSpan("work", { kind: SpanKind.INTERNAL }, () =>
      Promise.resolve(activeTraceparent()),
    );
    expect(parseTraceparent(inside)).toBeDefined();
  });
});
