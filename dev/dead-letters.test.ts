// The Service Bus side of `npm run dlq` over a stand-in for the SDK's receiver and sender (no
// Service Bus runs here): what it peeks, what it refuses inside the duplicate window, and that
// a replay sends the message unchanged before it removes the dead letter. The local side is
// tested against a running host in test/local-operations.test.ts.
import type { ServiceBusMessage } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import {
  DeadLetterError,
  resendOf,
  serviceBusDeadLetters,
  type DeadLetterBus,
  type DeadLetteredMessage,
} from "./dead-letters.js";

const enqueued = new Date("2026-11-26T10:00:00Z");
const hour = 60 * 60_000;

function deadLetter(id: string): DeadLetteredMessage {
  return {
    messageId: id,
    subject: "com.speechminer.evaluationsession.completed.v1",
    correlationId: "session-1",
    contentType: "application/cloudevents+json",
    applicationProperties: {
      tenantId: "t1",
      eventType: "com.speechminer.evaluationsession.completed.v1",
      "Diagnostic-Id": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      DeadLetterReason: "MaxDeliveryCountExceeded",
      DeadLetterErrorDescription: "Message could not be consumed after 10 delivery attempts.",
    },
    body: { id, specversion: "1.0" },
    deadLetterReason: "MaxDeliveryCountExceeded",
    deadLetterErrorDescription: "Message could not be consumed after 10 delivery attempts.",
    deliveryCount: 10,
    enqueuedTimeUtc: enqueued,
  };
}

/** One subscription's dead-letter subqueue in memory, with peek cursors and locks. */
function fakeBus(queue: DeadLetteredMessage[], options: { failSend?: boolean } = {}) {
  const sent: ServiceBusMessage[] = [];
  const log: string[] = [];
  const locked = new Set<DeadLetteredMessage>();
  const bus: DeadLetterBus = {
    deadLetterReceiver(subscription) {
      let cursor = 0;
      return {
        peekMessages(max) {
          const batch = queue.slice(cursor, cursor + max);
          cursor += batch.length;
          return Promise.resolve(batch);
        },
        receiveMessages(max) {
          const batch = queue.filter((m) => !locked.has(m)).slice(0, max);
          for (const m of batch) locked.add(m);
          return Promise.resolve(batch);
        },
        completeMessage(message) {
          log.push(`complete ${String(message.messageId)} on ${subscription}`);
          queue.splice(queue.indexOf(message), 1);
          locked.delete(message);
          return Promise.resolve();
        },
        abandonMessage(message) {
          log.push(`abandon ${String(message.messageId)}`);
          locked.delete(message);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      };
    },
    topicSender: () => ({
      sendMessages(message) {
        if (options.failSend) return Promise.reject(new Error("ServiceBusy"));
        log.push(`send ${String(message.messageId)}`);
        sent.push(message);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    }),
    close: () => Promise.resolve(),
  };
  return { bus, sent, log, locked };
}

const after = (ms: number) => () => new Date(enqueued.getTime() + ms);

describe("Service Bus dead letters (npm run dlq -- --namespace)", () => {
  it("lists every dead letter of each subscription, page after page", async () => {
    const queue = Array.from({ length: 130 }, (_, i) => deadLetter(`e${i}`));
    const { bus } = fakeBus(queue);
    const dlq = serviceBusDeadLetters({ bus, subscriptions: ["tagging"], duplicateWindowMs: hour });
    const listed = await dlq.list();
    expect(listed).toHaveLength(130);
    expect(listed[0]).toMatchObject({
      subscription: "tagging",
      messageId: "e0",
      reason: "MaxDeliveryCountExceeded",
      deliveryCount: 10,
      at: "2026-11-26T10:00:00.000Z",
    });
  });

  it("replays after the duplicate window: the same message sent first, the dead letter completed after", async () => {
    const queue = [deadLetter("e1"), deadLetter("e2"), deadLetter("e3")];
    const { bus, sent, log, locked } = fakeBus(queue);
    const dlq = serviceBusDeadLetters({
      bus,
      subscriptions: ["tagging"],
      duplicateWindowMs: hour,
      now: after(hour),
    });
    const replayed = await dlq.replay("tagging", "e2");
    expect(replayed.messageId).toBe("e2");
    expect(sent).toEqual([
      {
        messageId: "e2",
        subject: "com.speechminer.evaluationsession.completed.v1",
        correlationId: "session-1",
        contentType: "application/cloudevents+json",
        applicationProperties: {
          tenantId: "t1",
          eventType: "com.speechminer.evaluationsession.completed.v1",
          "Diagnostic-Id": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        },
        body: { id: "e2", specversion: "1.0" },
      },
    ]);
    expect(log).toEqual(["send e2", "complete e2 on tagging", "abandon e1", "abandon e3"]);
    expect(queue.map((m) => m.messageId)).toEqual(["e1", "e3"]);
    expect(locked.size).toBe(0);
  });

  it("refuses inside the duplicate window, where the topic would drop the resend", async () => {
    const queue = [deadLetter("e1")];
    const { bus, sent } = fakeBus(queue);
    const dlq = serviceBusDeadLetters({
      bus,
      subscriptions: ["tagging"],
      duplicateWindowMs: hour,
      now: after(hour - 1),
    });
    await expect(dlq.replay("tagging", "e1")).rejects.toThrow(
      /duplicate detection window until 2026-11-26T11:00:00.000Z/,
    );
    expect(sent).toEqual([]);
    expect(queue).toHaveLength(1);
  });

  it("keeps the dead letter when the send fails, and says when there is nothing to replay", async () => {
    const queue = [deadLetter("e1")];
    const { bus, log, locked } = fakeBus(queue, { failSend: true });
    const dlq = serviceBusDeadLetters({
      bus,
      subscriptions: ["tagging"],
      duplicateWindowMs: 0,
    });
    await expect(dlq.replay("tagging", "e1")).rejects.toThrow(/ServiceBusy/);
    expect(log).toEqual(["abandon e1"]);
    expect(queue).toHaveLength(1);
    expect(locked.size).toBe(0);
    await expect(dlq.replay("tagging", "nope")).rejects.toBeInstanceOf(DeadLetterError);
  });

  it("leaves out of a resend only what dead-lettering added", () => {
    const message = { ...deadLetter("e1"), messageId: Buffer.from([1, 2]) };
    expect(resendOf(message).applicationProperties).not.toHaveProperty("DeadLetterReason");
    expect(resendOf(message).messageId).toEqual(Buffer.from([1, 2]));
  });
});
