// Sends the outbox's CloudEvents to the completion topic on Azure Service Bus.
import type {
  ServiceBusClient,
  ServiceBusMessage,
  ServiceBusMessageBatch,
  ServiceBusSender,
} from "@azure/service-bus";
import { z } from "zod";
import type { CloudEvent } from "../../domain/model.js";
import type { EventPublisher } from "../../ports.js";
import { formatTraceparent, parseTraceparent } from "../../tracing.js";

export const cloudEventsContentType = "application/cloudevents+json";

/**
 * The application property Service Bus defines for W3C trace context (value in `traceparent`
 * format). The SDK writes it itself only when an OpenTelemetry instrumenter records its
 * "message" span; it skips any message that already carries it.
 */
export const diagnosticIdProperty = "Diagnostic-Id";

export interface ServiceBusPublisherOptions {
  client: ServiceBusClient;
  topicName: string;
  /**
   * The caller's current W3C `traceparent`, for hosts that know it without an OpenTelemetry
   * instrumenter (the Functions invocation's trace context). When it yields one, every message
   * carries it as `Diagnostic-Id`; otherwise the SDK's own instrumentation decides.
   */
  traceParent?: () => string | undefined;
}

export interface ServiceBusPublisher extends EventPublisher {
  /** Closes the sender link; the client stays open (its owner closes it). */
  close(): Promise<void>;
}

// Consumers filter on these without reading the body, so a missing tenant must fail here, loudly.
const routedEventData = z.object({ tenantId: z.string().min(1) });

/** The message for an event, with the fields it always sets typed as it sets them. */
interface EventMessage extends ServiceBusMessage {
  messageId: string;
  subject: string;
  correlationId: string;
  contentType: string;
  applicationProperties: Record<string, string>;
  body: CloudEvent;
}

/**
 * What is sent for an event, here and by the local host's topic (dev/topic.ts). A traceparent
 * that shared/tracing.ts would not read is left out rather than sent.
 */
export function toServiceBusMessage(event: CloudEvent, traceParent?: string): EventMessage {
  const { tenantId } = routedEventData.parse(event.data);
  const applicationProperties: Record<string, string> = { tenantId, eventType: event.type };
  const parent = parseTraceparent(traceParent);
  if (parent) applicationProperties[diagnosticIdProperty] = formatTraceparent(parent);
  return {
    messageId: event.id,
    subject: event.type,
    correlationId: event.subject,
    contentType: cloudEventsContentType,
    applicationProperties,
    // The SDK JSON-encodes an object body into one UTF-8 data section: the CloudEvent as sent.
    body: event,
  };
}

/**
 * When every attempt failed with a retryable error, the SDK (core-amqp's retry) throws an
 * AggregateError with an empty message and no `code`. The last attempt's ServiceBusError says
 * what went wrong and carries the `code` (ServiceBusy, ...) that tells a transient failure.
 */
function lastAttemptError(error: unknown): unknown {
  if (error instanceof AggregateError) {
    const last: unknown = error.errors.at(-1);
    if (last instanceof Error) return last;
  }
  return error;
}

export function createServiceBusPublisher(
  options: ServiceBusPublisherOptions,
): ServiceBusPublisher {
  const { client, topicName } = options;
  // One sender (one AMQP link) for the life of the process; the SDK reopens it after a drop.
  let sender: ServiceBusSender | undefined;
  let closed = false;

  /** Packs every message before sending any, so an oversized event fails the call up front. */
  async function packBatches(
    active: ServiceBusSender,
    outgoing: readonly { event: CloudEvent; message: ServiceBusMessage }[],
    abortSignal: AbortSignal | undefined,
  ): Promise<ServiceBusMessageBatch[]> {
    const batches: ServiceBusMessageBatch[] = [];
    let batch = await active.createMessageBatch({ abortSignal });
    for (const { event, message } of outgoing) {
      if (batch.tryAddMessage(message)) continue;
      if (batch.count > 0) {
        batches.push(batch);
        batch = await active.createMessageBatch({ abortSignal });
        if (batch.tryAddMessage(message)) continue;
      }
      throw new Error(
        `Event ${event.id} (${event.type}) does not fit in a Service Bus message on topic ` +
          `"${topicName}" (at most ${batch.maxSizeInBytes} bytes).`,
      );
    }
    if (batch.count > 0) batches.push(batch);
    return batches;
  }

  return {
    async publish(events, publishOptions) {
      if (closed) throw new Error(`The publisher for topic "${topicName}" is closed.`);
      if (events.length === 0) return;
      const traceParent = options.traceParent?.();
      const outgoing = events.map((event) => ({
        event,
        message: toServiceBusMessage(event, traceParent),
      }));
      sender ??= client.createSender(topicName);
      // The signal cuts the SDK's own retries short too: an aborted send is not retried.
      const abortSignal = publishOptions?.signal;
      try {
        for (const batch of await packBatches(sender, outgoing, abortSignal)) {
          await sender.sendMessages(batch, { abortSignal });
        }
      } catch (error) {
        throw lastAttemptError(error);
      }
    },

    async close() {
      closed = true;
      const open = sender;
      sender = undefined;
      await open?.close();
    },
  };
}
