// The dead-letter queues of the events topic's subscriptions, for `npm run dlq` (dev/dlq.ts):
// on the local host through its dev routes, in Azure through @azure/service-bus (a receiver on
// each subscription's dead-letter subqueue, signed in with Entra ID). Replay sends the message
// to the topic again unchanged, with its messageId, so every idempotent consumer (and every
// subscriber deduplicating on messageId) takes it once; docs/operations.md has the runbook.
import type { ServiceBusMessage } from "@azure/service-bus";
import { z } from "zod";

/** One dead-lettered message, the same from either queue. */
export interface DeadLetterEntry {
  subscription: string;
  messageId: string;
  subject: string;
  reason: string;
  errorDescription: string;
  deliveryCount: number;
  /** When it was dead-lettered (local) or enqueued (Service Bus), ISO 8601. */
  at: string;
  applicationProperties: Record<string, unknown>;
  body: unknown;
}

export interface DeadLetterQueues {
  /** Every dead letter of `subscription`, or of every subscription when undefined. */
  list(subscription?: string): Promise<DeadLetterEntry[]>;
  /** Sends the message to the topic again and removes it from the dead-letter queue. */
  replay(subscription: string, messageId: string): Promise<DeadLetterEntry>;
  close(): Promise<void>;
}

/** A replay that was not done, with why (exit code 1 of the tool). */
export class DeadLetterError extends Error {
  override name = "DeadLetterError";
}

// ---------- the local host ----------

const localEntrySchema = z.object({
  subscriptionName: z.string(),
  messageId: z.string(),
  subject: z.string(),
  reason: z.string(),
  errorDescription: z.string(),
  deliveryCount: z.number(),
  deadLetteredAt: z.string(),
  body: z.unknown(),
});
const localListSchema = z.object({ items: z.array(localEntrySchema) });
const problemSchema = z.object({ detail: z.string() });

/** The local host's in-process topic (dev/topic.ts), through GET/POST /api/dev/dead-letters. */
export function localDeadLetters(apiBase: string): DeadLetterQueues {
  const base = apiBase.replace(/\/+$/, "");
  async function call(path: string, init?: RequestInit): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}/${path}`, init);
    } catch {
      throw new DeadLetterError(`No local host answers at ${base}; start it with \`npm start\`.`);
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const detail = problemSchema.safeParse(json);
      throw new DeadLetterError(
        detail.success ? detail.data.detail : `${base}/${path} answered ${response.status}`,
      );
    }
    return json;
  }
  const list = async (subscription?: string): Promise<DeadLetterEntry[]> => {
    const { items } = localListSchema.parse(await call("dev/dead-letters"));
    return items
      .filter((d) => subscription === undefined || d.subscriptionName === subscription)
      .map((d) => ({
        subscription: d.subscriptionName,
        messageId: d.messageId,
        subject: d.subject,
        reason: d.reason,
        errorDescription: d.errorDescription,
        deliveryCount: d.deliveryCount,
        at: d.deadLetteredAt,
        applicationProperties: {},
        body: d.body,
      }));
  };
  return {
    list,
    async replay(subscription, messageId) {
      const entry = (await list(subscription)).find((d) => d.messageId === messageId);
      await call("dev/dead-letters/replay", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ subscription, messageId }),
      });
      if (!entry) throw new DeadLetterError(`No dead-lettered message ${messageId}.`);
      return entry;
    },
    close: () => Promise.resolve(),
  };
}

// ---------- Azure Service Bus ----------

/** What the tool reads of a received message (ServiceBusReceivedMessage has it all). */
export interface DeadLetteredMessage {
  messageId?: string | number | Buffer | undefined;
  subject?: string | undefined;
  correlationId?: string | number | Buffer | undefined;
  contentType?: string | undefined;
  applicationProperties?: Record<string, number | boolean | string | Date | null> | undefined;
  body: unknown;
  deadLetterReason?: string | undefined;
  deadLetterErrorDescription?: string | undefined;
  deliveryCount?: number | undefined;
  enqueuedTimeUtc?: Date | undefined;
}

/** The parts of a ServiceBusReceiver (peek-lock, on the dead-letter subqueue) the tool uses. */
export interface DeadLetterReceiver {
  peekMessages(maxMessageCount: number): Promise<DeadLetteredMessage[]>;
  receiveMessages(
    maxMessageCount: number,
    options: { maxWaitTimeInMs: number },
  ): Promise<DeadLetteredMessage[]>;
  completeMessage(message: DeadLetteredMessage): Promise<void>;
  abandonMessage(message: DeadLetteredMessage): Promise<void>;
  close(): Promise<void>;
}

export interface TopicSender {
  sendMessages(message: ServiceBusMessage): Promise<void>;
  close(): Promise<void>;
}

/** A ServiceBusClient seen through what the tool needs of it. */
export interface DeadLetterBus {
  deadLetterReceiver(subscription: string): DeadLetterReceiver;
  topicSender(): TopicSender;
  close(): Promise<void>;
}

export interface ServiceBusDeadLetterOptions {
  bus: DeadLetterBus;
  /** The subscriptions `list` reads when none is named. */
  subscriptions: readonly string[];
  /**
   * The topic's duplicate detection window (infra/modules/servicebus.bicep, PT1H by default). A
   * message sent again inside it is dropped by the topic, so replay refuses until it has passed.
   */
  duplicateWindowMs: number;
  now?: () => Date;
  /** At most this many dead letters are read per subscription. */
  limit?: number;
}

/** Application properties Service Bus adds when it dead-letters: not part of the message. */
const deadLetterProperties = new Set(["DeadLetterReason", "DeadLetterErrorDescription"]);

function idText(id: string | number | Buffer | undefined): string {
  if (id === undefined) return "";
  return Buffer.isBuffer(id) ? id.toString("hex") : String(id);
}

function entryOf(subscription: string, message: DeadLetteredMessage): DeadLetterEntry {
  return {
    subscription,
    messageId: idText(message.messageId),
    subject: message.subject ?? "",
    reason: message.deadLetterReason ?? "",
    errorDescription: message.deadLetterErrorDescription ?? "",
    deliveryCount: message.deliveryCount ?? 0,
    at: message.enqueuedTimeUtc?.toISOString() ?? "",
    applicationProperties: { ...message.applicationProperties },
    body: message.body,
  };
}

/** The message as it was first sent: same id, subject, properties and body. */
export function resendOf(message: DeadLetteredMessage): ServiceBusMessage {
  const applicationProperties = Object.fromEntries(
    Object.entries(message.applicationProperties ?? {}).filter(
      ([key, value]) => !deadLetterProperties.has(key) && value !== null,
    ),
  );
  return {
    body: message.body,
    ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
    ...(message.contentType !== undefined ? { contentType: message.contentType } : {}),
    applicationProperties,
  };
}

export function serviceBusDeadLetters(options: ServiceBusDeadLetterOptions): DeadLetterQueues {
  const { bus } = options;
  const now = options.now ?? (() => new Date());
  const limit = options.limit ?? 1000;

  async function peekAll(subscription: string): Promise<DeadLetterEntry[]> {
    const receiver = bus.deadLetterReceiver(subscription);
    try {
      const entries: DeadLetterEntry[] = [];
      // Each peek continues after the last message the receiver peeked.
      while (entries.length < limit) {
        const batch = await receiver.peekMessages(Math.min(100, limit - entries.length));
        if (batch.length === 0) break;
        entries.push(...batch.map((m) => entryOf(subscription, m)));
      }
      return entries;
    } finally {
      await receiver.close();
    }
  }

  return {
    async list(subscription) {
      const entries: DeadLetterEntry[] = [];
      for (const name of subscription ? [subscription] : options.subscriptions)
        entries.push(...(await peekAll(name)));
      return entries;
    },

    async replay(subscription, messageId) {
      const peeked = (await peekAll(subscription)).find((e) => e.messageId === messageId);
      if (!peeked)
        throw new DeadLetterError(
          `No dead-lettered message ${messageId} on subscription ${subscription}.`,
        );
      const enqueued = Date.parse(peeked.at);
      if (Number.isFinite(enqueued) && enqueued + options.duplicateWindowMs > now().getTime()) {
        const until = new Date(enqueued + options.duplicateWindowMs).toISOString();
        throw new DeadLetterError(
          `Message ${messageId} is inside the topic's duplicate detection window until ${until}: ` +
            "sent now, the topic would drop it. Replay it after that time.",
        );
      }
      const receiver = bus.deadLetterReceiver(subscription);
      const sender = bus.topicSender();
      // Messages locked on the way to the one asked for; released when the search ends.
      const passed: DeadLetteredMessage[] = [];
      try {
        while (passed.length < limit) {
          const batch = await receiver.receiveMessages(20, { maxWaitTimeInMs: 3000 });
          if (batch.length === 0) break;
          const found = batch.find((m) => idText(m.messageId) === messageId);
          passed.push(...batch.filter((m) => m !== found));
          if (!found) continue;
          try {
            await sender.sendMessages(resendOf(found));
          } catch (error) {
            await receiver.abandonMessage(found);
            throw error;
          }
          // Sent first, removed after: a failure in between leaves a duplicate, never a loss.
          await receiver.completeMessage(found);
          return entryOf(subscription, found);
        }
        throw new DeadLetterError(
          `Message ${messageId} was peeked on ${subscription} but could not be received ` +
            "(another receiver holds its lock?); try again in a minute.",
        );
      } finally {
        for (const message of passed) await receiver.abandonMessage(message).catch(() => undefined);
        await sender.close();
        await receiver.close();
      }
    },

    close: () => bus.close(),
  };
}
