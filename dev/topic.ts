// The local stand-in for the Service Bus completion topic. It keeps the delivery rules the
// handlers rely on in Azure: per-subscription `subject` filters, duplicate detection by
// messageId within a window, redelivery on failure and dead-lettering after max deliveries.
import { randomUUID } from "node:crypto";
import type { LogHandler } from "@azure/functions";
import { InvocationContext } from "./azure-functions.js";
import type { CloudEvent } from "../shared/domain/model.js";
import type { EventPublisher } from "../shared/ports.js";
import { takesSubject, type ServiceBusFunctionDefinition } from "../shared/registry.js";
import { messageTraceparent } from "../shared/tracing.js";
import { invocationTraceparent } from "./tracing.js";

export interface TopicSubscription {
  /** The function name, used in logs. */
  name: string;
  subscriptionName: string;
  subjectFilters?: readonly string[];
  handler: ServiceBusFunctionDefinition["handler"];
}

export interface DeadLetter {
  subscriptionName: string;
  functionName: string;
  messageId: string;
  subject: string;
  deliveryCount: number;
  reason: "MaxDeliveryCountExceeded";
  errorDescription: string;
  body: unknown;
  deadLetteredAt: string;
}

export interface InProcessTopicOptions {
  topicName: string;
  subscriptions: readonly TopicSubscription[];
  /** Duplicate detection window (Service Bus default on our topic: 10 minutes). */
  duplicateWindowMs?: number;
  maxDeliveries?: number;
  redeliveryDelayMs?: number;
  logHandler?: LogHandler;
  onDeadLetter?: (deadLetter: DeadLetter) => void;
  now?: () => number;
}

export class InProcessTopic implements EventPublisher {
  readonly topicName: string;
  readonly subscriptions: readonly TopicSubscription[];
  private readonly duplicateWindowMs: number;
  private readonly maxDeliveries: number;
  private readonly redeliveryDelayMs: number;
  private readonly logHandler: LogHandler | undefined;
  private readonly onDeadLetter: ((deadLetter: DeadLetter) => void) | undefined;
  private readonly now: () => number;
  private readonly seen = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly dead: DeadLetter[] = [];
  /** Pending delays, so close() can end them at once. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  constructor(options: InProcessTopicOptions) {
    this.topicName = options.topicName;
    this.subscriptions = options.subscriptions;
    this.duplicateWindowMs = options.duplicateWindowMs ?? 10 * 60_000;
    this.maxDeliveries = options.maxDeliveries ?? 10;
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 200;
    this.logHandler = options.logHandler;
    this.onDeadLetter = options.onDeadLetter;
    this.now = options.now ?? Date.now;
  }

  /** The subscriptions of `topicName` among the registered Service Bus functions. */
  static fromDefinitions(
    definitions: readonly ServiceBusFunctionDefinition[],
    options: Omit<InProcessTopicOptions, "subscriptions">,
  ): InProcessTopic {
    const subscriptions = definitions
      .filter((d) => d.topicName === options.topicName)
      .map((d) => ({
        name: d.name,
        subscriptionName: d.subscriptionName,
        ...(d.subjectFilters !== undefined ? { subjectFilters: d.subjectFilters } : {}),
        handler: d.handler,
      }));
    return new InProcessTopic({ ...options, subscriptions });
  }

  /** Accepts the events and returns at once; deliveries run in the background. */
  publish(events: readonly CloudEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`Topic ${this.topicName} is closed.`));
    const now = this.now();
    for (const [id, at] of this.seen) if (now - at >= this.duplicateWindowMs) this.seen.delete(id);
    for (const event of events) {
      if (this.seen.has(event.id)) continue; // a duplicate inside the window is accepted and dropped
      this.seen.set(event.id, now);
      for (const subscription of this.subscriptions) {
        if (!takesSubject(subscription.subjectFilters, event.type)) continue;
        this.track(this.deliver(subscription, event));
      }
    }
    return Promise.resolve();
  }

  /** Resolves once no delivery is in flight (including redeliveries waiting their delay). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  drain(): Promise<void> {
    return this.idle();
  }

  deadLetters(): readonly DeadLetter[] {
    return [...this.dead];
  }

  /** Stops accepting messages and cancels pending redeliveries. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    await this.idle();
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(subscription: TopicSubscription, event: CloudEvent): Promise<void> {
    // Like the Functions trigger, each delivery gets a fresh parse of the JSON body.
    const serialized = JSON.stringify(event);
    // Like the Service Bus publisher, the message carries the event's trace as Diagnostic-Id.
    const traceparent = messageTraceparent(event);
    let lastError = "unknown error";
    await this.delay(0);
    for (let deliveryCount = 1; deliveryCount <= this.maxDeliveries; deliveryCount++) {
      if (this.closed) return;
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: subscription.name,
        ...(this.logHandler ? { logHandler: this.logHandler } : {}),
        traceContext: { traceParent: invocationTraceparent(traceparent) },
        triggerMetadata: {
          messageId: event.id,
          subject: event.type,
          correlationId: event.subject,
          contentType: "application/cloudevents+json",
          deliveryCount,
          applicationProperties: {
            tenantId: event.data.tenantId,
            eventType: event.type,
            ...(traceparent ? { "Diagnostic-Id": traceparent } : {}),
          },
        },
      });
      try {
        await subscription.handler(JSON.parse(serialized), context);
        return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      if (deliveryCount < this.maxDeliveries) await this.delay(this.redeliveryDelayMs);
    }
    if (this.closed) return;
    const deadLetter: DeadLetter = {
      subscriptionName: subscription.subscriptionName,
      functionName: subscription.name,
      messageId: event.id,
      subject: event.type,
      deliveryCount: this.maxDeliveries,
      reason: "MaxDeliveryCountExceeded",
      errorDescription: lastError,
      body: JSON.parse(serialized),
      deadLetteredAt: new Date(this.now()).toISOString(),
    };
    this.dead.push(deadLetter);
    this.onDeadLetter?.(deadLetter);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }
}
