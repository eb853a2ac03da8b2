// The local stand-in for the Service Bus completion topic. It keeps the delivery rules the
// handlers rely on in Azure: per-subscription `subject` filters, duplicate detection by
// messageId within a window, redelivery on failure and dead-lettering after max deliveries.
import { randomUUID } from "node:crypto";
import type { LogHandler } from "@azure/functions";
import { InvocationContext } from "./azure-functions.js";
import type { CloudEvent } from "../shared/domain/model.js";
import type { EventPublisher } from "../shared/ports.js";
import { toServiceBusMessage } from "../shared/adapters/service-bus/publisher.js";
import { takesSubject, type ServiceBusFunctionDefinition } from "../shared/registry.js";
import { messageBody, messageTraceparent } from "../shared/tracing.js";
import { invocationTraceparent } from "./tracing.js";

export interface TopicSubscription {
  /** The function name, used in logs. */
  name: string;
  subscriptionName: string;
  subjectFilters?: readonly string[];
  handler: ServiceBusFunctionDefinition["handler"];
}

/** A message on the topic, as Service Bus carries it (the body as JSON text). */
export interface TopicMessage {
  messageId: string;
  subject: string;
  correlationId: string;
  contentType: string;
  applicationProperties: Readonly<Record<string, string>>;
  /** The body as sent: each delivery parses it afresh, like the Functions trigger. */
  body: string;
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
  /** The message as it arrived, for a replay that sends it again unchanged. */
  message: TopicMessage;
}

/** Why a replay was refused: what the operator can do about it is in the message. */
export class ReplayRefusedError extends Error {
  constructor(
    message: string,
    readonly code: "NOT_FOUND" | "DUPLICATE_WINDOW",
  ) {
    super(message);
    this.name = "ReplayRefusedError";
  }
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
    let messages: TopicMessage[];
    try {
      // All built before any is sent: an event the publisher refuses sends none, as in Azure.
      messages = events.map(toTopicMessage);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    for (const message of messages) this.send(message);
    return Promise.resolve();
  }

  /**
   * Sends a dead-lettered message to the topic again, unchanged and with its messageId, as
   * `npm run dlq -- replay` does on Service Bus: every subscription whose filter matches gets
   * it (their consumers are idempotent). Refused while the messageId is inside the duplicate
   * detection window, where the topic would drop it and the dead letter would be lost.
   */
  replay(subscriptionName: string, messageId: string): DeadLetter {
    if (this.closed) throw new Error(`Topic ${this.topicName} is closed.`);
    const index = this.dead.findIndex(
      (d) => d.subscriptionName === subscriptionName && d.messageId === messageId,
    );
    const deadLetter = this.dead[index];
    if (!deadLetter)
      throw new ReplayRefusedError(
        `No dead-lettered message ${messageId} on subscription ${subscriptionName}.`,
        "NOT_FOUND",
      );
    this.forgetExpired();
    const seenAt = this.seen.get(messageId);
    if (seenAt !== undefined) {
      const until = new Date(seenAt + this.duplicateWindowMs).toISOString();
      throw new ReplayRefusedError(
        `Message ${messageId} is inside the topic's duplicate detection window until ${until}: ` +
          "sent now, it would be dropped. Replay it after that time.",
        "DUPLICATE_WINDOW",
      );
    }
    this.dead.splice(index, 1);
    this.send(deadLetter.message);
    return deadLetter;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [id, at] of this.seen) if (now - at >= this.duplicateWindowMs) this.seen.delete(id);
  }

  private send(message: TopicMessage): void {
    this.forgetExpired();
    // A duplicate inside the window is accepted and dropped, as by Service Bus.
    if (this.seen.has(message.messageId)) return;
    this.seen.set(message.messageId, this.now());
    for (const subscription of this.subscriptions) {
      if (!takesSubject(subscription.subjectFilters, message.subject)) continue;
      this.track(this.deliver(subscription, message));
    }
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

  private async deliver(subscription: TopicSubscription, message: TopicMessage): Promise<void> {
    // Like the Functions host, each invocation's trace continues the one the message carries.
    const traceparent = messageTraceparent(message.body, message.applicationProperties);
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
          messageId: message.messageId,
          subject: message.subject,
          correlationId: message.correlationId,
          contentType: message.contentType,
          deliveryCount,
          applicationProperties: { ...message.applicationProperties },
        },
      });
      try {
        await subscription.handler(messageBody(message.body), context);
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
      messageId: message.messageId,
      subject: message.subject,
      deliveryCount: this.maxDeliveries,
      reason: "MaxDeliveryCountExceeded",
      errorDescription: lastError,
      body: messageBody(message.body),
      deadLetteredAt: new Date(this.now()).toISOString(),
      message,
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

/**
 * What the Service Bus publisher sends for an event, with the body as the JSON text it becomes.
 * The trace is the one the event carries: the publish span's, which the publisher in Azure
 * reads as the active one (shared/tracing.ts tracedPublisher stamps it on the event).
 */
function toTopicMessage(event: CloudEvent): TopicMessage {
  const { body, ...message } = toServiceBusMessage(event, messageTraceparent(event));
  return { ...message, body: JSON.stringify(body) };
}
