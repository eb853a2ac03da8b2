// The Service Bus publisher with the real @azure/service-bus client, checked on the wire: an
// AMQP 1.0 peer (test/support/amqp-peer.ts) plays the broker and records every transfer.
import { randomUUID } from "node:crypto";
import type { ServiceBusClient } from "@azure/service-bus";
import { context, propagation, trace } from "@opentelemetry/api";
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../shared/composition.js";
import { parseConfig } from "../shared/config.js";
import { createServiceBusClient } from "../shared/adapters/service-bus/client.js";
import {
  createServiceBusPublisher,
  type ServiceBusPublisher,
} from "../shared/adapters/service-bus/publisher.js";
import { cloudEventSchema, type CloudEvent } from "../shared/domain/model.js";
import type { EventPublisher } from "../shared/ports.js";
import { inSpan, SpanKind, tracedPublisher } from "../shared/tracing.js";
import {
  batchMessageFormat,
  startAmqpPeer,
  type AmqpPeer,
  type WireMessage,
} from "./support/amqp-peer.js";

const topicName = "evaluation-sessions";
const completedType = "com.speechminer.evaluationsession.completed.v1";

function completedEvent(tenantId = `t-${randomUUID()}`, padding = ""): CloudEvent {
  const sessionId = `s-${randomUUID()}`;
  return cloudEventSchema.parse({
    specversion: "1.0",
    id: randomUUID(),
    source: `/tenants/${tenantId}/evaluation-sessions`,
    type: completedType,
    subject: sessionId,
    time: "2025-03-01T10:00:00.000Z",
    datacontenttype: "application/json",
    data: {
      tenantId,
      sessionId,
      interactionId: `i-${randomUUID()}`,
      score: 87.5,
      forms: [{ formId: "f1", version: 2, score: 87.5, autofailed: false }],
      ...(padding ? { padding } : {}),
    },
  });
}

const bodyOf = (message: WireMessage): unknown => JSON.parse(message.body.toString("utf8"));

let peer: AmqpPeer;
let client: ServiceBusClient;
let publisher: ServiceBusPublisher;

/** Publishes and returns what reached the peer's topic link during the call. */
async function publishAndCapture(target: EventPublisher, events: CloudEvent[]) {
  const before = peer.transfers.length;
  await target.publish(events);
  return peer.transfers.slice(before);
}

/** A client built the way the service builds it, from settings naming the peer. */
function clientFromSettings(maxRetries: number): ServiceBusClient {
  const created = createServiceBusClient(
    parseConfig({
      COSMOS__accountEndpoint: "https://127.0.0.1:1",
      DATA_STORAGE__blobServiceUri: "http://127.0.0.1:1",
      AUTH_ISSUERS: "https://issuer.test",
      AUTH_AUDIENCE: "api",
      AUTH_JWKS_URI: "https://issuer.test/jwks",
      ServiceBusConnection: peer.connectionString,
      DEPENDENCY_MAX_RETRIES: String(maxRetries),
    }),
  );
  if (!created) throw new Error("A configured connection string must give a client.");
  return created;
}

beforeAll(async () => {
  peer = await startAmqpPeer({ topicName });
  client = clientFromSettings(0);
  publisher = createServiceBusPublisher({ client, topicName });
});

afterEach(() => {
  expect(peer.errors).toEqual([]);
});

afterAll(async () => {
  await publisher?.close();
  await client?.close();
  await peer?.close();
});

describe("Service Bus publisher, on the wire", () => {
  it("sends one event as a message carrying the CloudEvent and its routing fields", async () => {
    const event = completedEvent();

    const transfers = await publishAndCapture(publisher, [event]);

    expect(transfers).toHaveLength(1);
    expect(transfers[0]!.outcome).toBe("accepted");
    const [message] = transfers[0]!.messages;
    expect(transfers[0]!.messages).toHaveLength(1);
    expect(message!.messageId).toBe(event.id);
    expect(message!.subject).toBe(event.type);
    expect(message!.correlationId).toBe(event.subject);
    expect(message!.contentType).toBe("application/cloudevents+json");
    expect(message!.applicationProperties).toEqual({
      tenantId: event.data["tenantId"],
      eventType: completedType,
    });
    expect(bodyOf(message!)).toEqual(event);
  });

  it("logs in with SASL ANONYMOUS over plain AMQP and sends a put-token for the topic", () => {
    // Measured: with UseDevelopmentEmulator=true the SDK skips TLS, takes the port from the
    // endpoint and offers the key name as an ANONYMOUS trace string (no password on the wire).
    expect(peer.saslLogins).toEqual([{ mechanism: "ANONYMOUS", username: "local" }]);
    expect(peer.cbsRequests.length).toBeGreaterThanOrEqual(1);
    expect(peer.cbsRequests[0]).toMatchObject({
      operation: "put-token",
      audience: `sb://${peer.host}:${peer.port}/${topicName}`,
      tokenType: "servicebus.windows.net:sastoken",
      hasToken: true,
    });
  });

  it("sends several events as one batch, in order, each with its own message id", async () => {
    const events = [completedEvent("tenant-a"), completedEvent("tenant-b"), completedEvent()];

    const transfers = await publishAndCapture(publisher, events);

    expect(transfers).toHaveLength(1);
    expect(transfers[0]!.format).toBe(batchMessageFormat);
    const messages = transfers[0]!.messages;
    expect(messages.map((m) => m.messageId)).toEqual(events.map((e) => e.id));
    expect(messages.map((m) => m.correlationId)).toEqual(events.map((e) => e.subject));
    expect(messages.map((m) => m.applicationProperties["tenantId"])).toEqual(
      events.map((e) => e.data["tenantId"]),
    );
    expect(messages.map(bodyOf)).toEqual(events);
  });

  it("reuses one sender link and one connection across publishes", async () => {
    await publisher.publish([completedEvent()]);

    const topicSenders = peer.links.filter((l) => l.role === "sender" && l.address === topicName);
    expect(topicSenders).toHaveLength(1);
    expect(peer.connectionsOpened).toBe(1);
    expect(new Set(peer.transfers.map((t) => t.linkName))).toEqual(
      new Set([topicSenders[0]!.name]),
    );
  });

  it("sends nothing for an empty list", async () => {
    const transfers = await publishAndCapture(publisher, []);
    expect(transfers).toEqual([]);
  });

  it("rejects the publish when the broker rejects the delivery", async () => {
    peer.disposition = {
      kind: "reject",
      condition: "amqp:not-allowed",
      description: "the topic refuses this message",
    };
    const before = peer.transfers.length;
    try {
      await expect(publisher.publish([completedEvent()])).rejects.toThrow(
        /the topic refuses this message/,
      );
    } finally {
      peer.disposition = { kind: "accept" };
    }
    expect(peer.transfers.slice(before).map((t) => t.outcome)).toEqual(["rejected"]);

    // The same sender keeps working once the broker accepts again.
    const transfers = await publishAndCapture(publisher, [completedEvent()]);
    expect(transfers.map((t) => t.outcome)).toEqual(["accepted"]);
  });

  it("surfaces the last attempt's error, with its code, once the SDK's retries are spent", async () => {
    const retrying = clientFromSettings(1);
    const busy = createServiceBusPublisher({ client: retrying, topicName });
    peer.disposition = {
      kind: "reject",
      condition: "com.microsoft:server-busy",
      description: "the namespace is busy",
    };
    const before = peer.transfers.length;
    try {
      const failure: unknown = await busy.publish([completedEvent()]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(failure).toMatchObject({ code: "ServiceBusy", message: "the namespace is busy" });
      // DEPENDENCY_MAX_RETRIES = 1: the first attempt and one retry reached the broker.
      expect(peer.transfers.length - before).toBe(2);
    } finally {
      peer.disposition = { kind: "accept" };
      await busy.close();
      await retrying.close();
    }
  });

  it("refuses an event without a tenant before sending anything", async () => {
    const event = completedEvent();
    const withoutTenant = { ...event, data: { sessionId: event.subject } };
    const before = peer.transfers.length;

    await expect(publisher.publish([completedEvent(), withoutTenant])).rejects.toThrow(/tenantId/);
    expect(peer.transfers.length).toBe(before);
  });

  it("carries the caller's W3C trace context as Diagnostic-Id, and ignores a malformed one", async () => {
    const traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let current: string | undefined = traceParent;
    const traced = createServiceBusPublisher({ client, topicName, traceParent: () => current });
    try {
      const [withTrace] = await publishAndCapture(traced, [completedEvent()]);
      expect(withTrace!.messages[0]!.applicationProperties["Diagnostic-Id"]).toBe(traceParent);

      current = "not-a-traceparent";
      const [malformed] = await publishAndCapture(traced, [completedEvent()]);
      expect(malformed!.messages[0]!.applicationProperties).not.toHaveProperty("Diagnostic-Id");
    } finally {
      await traced.close();
    }
  });

  it("splits events over several batches when the link's size limit is reached", async () => {
    // The SDK sizes batches by the max-message-size the broker advertises on the link.
    peer.maxMessageSize = 4096;
    const small = createServiceBusPublisher({ client, topicName });
    try {
      const events = Array.from({ length: 6 }, () => completedEvent(undefined, "x".repeat(1000)));

      const transfers = await publishAndCapture(small, events);

      expect(transfers.length).toBeGreaterThan(1);
      expect(transfers.every((t) => t.format === batchMessageFormat)).toBe(true);
      expect(transfers.flatMap((t) => t.messages.map((m) => m.messageId))).toEqual(
        events.map((e) => e.id),
      );
    } finally {
      await small.close();
      peer.maxMessageSize = 256 * 1024;
    }
  });

  it("refuses an event too large for any message before sending anything", async () => {
    peer.maxMessageSize = 4096;
    const small = createServiceBusPublisher({ client, topicName });
    try {
      const fits = completedEvent();
      const huge = completedEvent(undefined, "x".repeat(8000));
      const before = peer.transfers.length;

      await expect(small.publish([fits, huge])).rejects.toThrow(
        new RegExp(`Event ${huge.id} .* does not fit`),
      );
      expect(peer.transfers.length).toBe(before);
    } finally {
      await small.close();
      peer.maxMessageSize = 256 * 1024;
    }
  });

  it("refuses to publish after close", async () => {
    const closing = createServiceBusPublisher({ client, topicName });
    await closing.publish([completedEvent()]);
    await closing.close();
    await expect(closing.publish([completedEvent()])).rejects.toThrow(/closed/);
  });
});

describe("Service Bus publisher, as the composition wires it", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it("puts the publish span's traceparent in the CloudEvent and in Diagnostic-Id", async () => {
    const services = createServices(
      parseConfig({
        COSMOS__accountEndpoint: "https://127.0.0.1:1",
        DATA_STORAGE__blobServiceUri: "http://127.0.0.1:1",
        AUTH_ISSUERS: "https://issuer.test",
        AUTH_AUDIENCE: "api",
        AUTH_JWKS_URI: "https://issuer.test/jwks",
        ServiceBusConnection: peer.connectionString,
        DEPENDENCY_MAX_RETRIES: "0",
      }),
    );
    const event = completedEvent();
    const transfers = await inSpan(
      "POST /api/sessions/{id}/complete",
      { kind: SpanKind.SERVER },
      () => publishAndCapture(tracedPublisher(services.publisher), [event]),
    );
    const [message] = transfers[0]!.messages;
    const publish = exporter.getFinishedSpans().find((s) => s.name === "publish")!;
    const request = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER)!;
    const traceparent = `00-${publish.spanContext().traceId}-${publish.spanContext().spanId}-01`;
    expect(publish.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(message!.applicationProperties["Diagnostic-Id"]).toBe(traceparent);
    expect(bodyOf(message!)).toEqual({ ...event, traceparent });
  });
});
