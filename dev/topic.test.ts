import type { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import type { CloudEvent } from "../shared/domain/model.js";
import { InProcessTopic, type InProcessTopicOptions, type TopicSubscription } from "./topic.js";

const completed = "com.speechminer.evaluationsession.completed.v1";
const rescored = "com.speechminer.evaluationsession.rescored.v1";

function event(id: string, type = completed): CloudEvent {
  return {
    specversion: "1.0",
    id,
    source: "/tenants/t1/evaluation-sessions",
    type,
    subject: `session-${id}`,
    time: "2026-01-01T00:00:00.000Z",
    datacontenttype: "application/json",
    data: { tenantId: "t1", sessionId: `session-${id}` },
  };
}

interface Delivery {
  body: unknown;
  context: InvocationContext;
}

function recorder(
  subscriptionName: string,
  options: { subjectFilters?: readonly string[]; failTimes?: number; error?: string } = {},
) {
  const deliveries: Delivery[] = [];
  let failures = 0;
  const subscription: TopicSubscription = {
    name: `fn-${subscriptionName}`,
    subscriptionName,
    ...(options.subjectFilters ? { subjectFilters: options.subjectFilters } : {}),
    handler: (body, context) => {
      deliveries.push({ body, context });
      if (failures < (options.failTimes ?? 0)) {
        failures++;
        return Promise.reject(new Error(options.error ?? `failure ${failures}`));
      }
      return Promise.resolve();
    },
  };
  return { subscription, deliveries };
}

const quiet = () => undefined;

/** A quiet topic "t" over `subscriptions`. */
const topicOf = (
  subscriptions: TopicSubscription[],
  options: Partial<Omit<InProcessTopicOptions, "topicName" | "subscriptions">> = {},
) => new InProcessTopic({ topicName: "t", subscriptions, logHandler: quiet, ...options });

describe("InProcessTopic", () => {
  it("delivers to a filtered subscription only the subjects it asks for", async () => {
    const tagging = recorder("tagging", { subjectFilters: [completed] });
    const all = recorder("audit");
    const topic = new InProcessTopic({
      topicName: "evaluation-sessions",
      subscriptions: [tagging.subscription, all.subscription],
      logHandler: quiet,
    });
    await topic.publish([event("e1"), event("e2", rescored)]);
    await topic.idle();
    expect(tagging.deliveries.map((d) => d.context.triggerMetadata?.messageId)).toEqual(["e1"]);
    expect(all.deliveries.map((d) => d.context.triggerMetadata?.messageId).sort()).toEqual([
      "e1",
      "e2",
    ]);
  });

  it("passes the CloudEvent as a parsed JSON body with Service Bus trigger metadata", async () => {
    const sub = recorder("tagging");
    const topic = topicOf([sub.subscription]);
    const sent = event("e1");
    await topic.publish([sent]);
    await topic.idle();
    const [delivery] = sub.deliveries;
    expect(delivery?.body).toEqual(sent);
    expect(delivery?.body).not.toBe(sent);
    expect(delivery?.context.functionName).toBe("fn-tagging");
    expect(delivery?.context.triggerMetadata).toMatchObject({
      messageId: "e1",
      subject: completed,
      correlationId: "session-e1",
      deliveryCount: 1,
      applicationProperties: { tenantId: "t1", eventType: completed },
    });
  });

  it("Finding 9: refuses an event without a tenant as the Service Bus publisher does, sending none", async () => {
    const sub = recorder("notifications", { failTimes: 1 });
    const topic = topicOf([sub.subscription], { maxDeliveries: 1 });
    const { tenantId: _, ...data } = event("e2").data;
    await expect(topic.publish([event("e1"), { ...event("e2"), data }])).rejects.toThrow(
      /tenantId/,
    );
    await topic.idle();
    expect(sub.deliveries).toEqual([]);
    // The message is the publisher's, content type included (a dead letter keeps it whole).
    await topic.publish([event("e3")]);
    await topic.idle();
    expect(topic.deadLetters()[0]?.message).toMatchObject({
      contentType: "application/cloudevents+json",
      applicationProperties: { tenantId: "t1" },
    });
  });

  it("returns from publish before any handler runs", async () => {
    const sub = recorder("tagging");
    const topic = topicOf([sub.subscription]);
    await topic.publish([event("e1")]);
    expect(sub.deliveries).toHaveLength(0);
    await topic.idle();
    expect(sub.deliveries).toHaveLength(1);
  });

  it("drops a duplicate messageId inside the window and accepts it after", async () => {
    let now = 1_000_000;
    const sub = recorder("tagging");
    const topic = topicOf([sub.subscription], {
      duplicateWindowMs: 60_000,
      now: () => now,
    });
    await topic.publish([event("e1"), event("e1")]);
    now += 59_999;
    await topic.publish([event("e1")]);
    await topic.idle();
    expect(sub.deliveries).toHaveLength(1);
    now += 1;
    await topic.publish([event("e1")]);
    await topic.idle();
    expect(sub.deliveries).toHaveLength(2);
  });

  it("redelivers a failed message with a growing deliveryCount until it succeeds", async () => {
    const sub = recorder("tagging", { failTimes: 2 });
    const topic = topicOf([sub.subscription], { redeliveryDelayMs: 1 });
    await topic.publish([event("e1")]);
    await topic.idle();
    expect(sub.deliveries.map((d) => d.context.triggerMetadata?.deliveryCount)).toEqual([1, 2, 3]);
    expect(topic.deadLetters()).toEqual([]);
  });

  it("dead-letters after maxDeliveries with the last error, without touching other subscriptions", async () => {
    const failing = recorder("notifications", { failTimes: 99 });
    const healthy = recorder("tagging");
    const seen: string[] = [];
    const topic = topicOf([failing.subscription, healthy.subscription], {
      maxDeliveries: 3,
      redeliveryDelayMs: 1,
      onDeadLetter: (d) => seen.push(d.messageId),
    });
    await topic.publish([event("e1")]);
    await topic.idle();
    expect(failing.deliveries).toHaveLength(3);
    expect(healthy.deliveries).toHaveLength(1);
    expect(topic.deadLetters()).toMatchObject([
      {
        subscriptionName: "notifications",
        messageId: "e1",
        deliveryCount: 3,
        reason: "MaxDeliveryCountExceeded",
        errorDescription: "failure 3",
      },
    ]);
    expect(seen).toEqual(["e1"]);
  });

  it("replays a dead letter unchanged with its messageId, only after the duplicate window", async () => {
    let now = 1_000_000;
    const failing = recorder("notifications", { failTimes: 3 });
    const healthy = recorder("tagging");
    const topic = topicOf([failing.subscription, healthy.subscription], {
      maxDeliveries: 3,
      redeliveryDelayMs: 1,
      duplicateWindowMs: 60_000,
      now: () => now,
    });
    const traced = {
      ...event("e1"),
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    };
    await topic.publish([traced]);
    await topic.idle();
    expect(topic.deadLetters().map((d) => d.messageId)).toEqual(["e1"]);

    expect(() => topic.replay("tagging", "e1")).toThrow(/No dead-lettered message e1/);
    // Inside the window the topic would drop the resend and the dead letter would be lost.
    expect(() => topic.replay("notifications", "e1")).toThrow(
      /duplicate detection window until 1970-01-01T00:17:40.000Z/,
    );
    expect(topic.deadLetters()).toHaveLength(1);

    now += 60_000;
    topic.replay("notifications", "e1");
    await topic.idle();
    expect(topic.deadLetters()).toEqual([]);
    // Every subscription of the topic gets the resend, as on Service Bus; the fixed consumer
    // takes it now, with the same messageId, body and trace.
    const replayed = failing.deliveries.at(-1)!;
    expect(replayed.context.triggerMetadata?.messageId).toBe("e1");
    expect(replayed.context.triggerMetadata?.deliveryCount).toBe(1);
    expect(replayed.body).toEqual(traced);
    expect(replayed.context.triggerMetadata?.applicationProperties).toMatchObject({
      "Diagnostic-Id": traced.traceparent,
    });
    expect(healthy.deliveries.map((d) => d.context.triggerMetadata?.messageId)).toEqual([
      "e1",
      "e1",
    ]);
  });

  it("builds its subscriptions from the registered Service Bus functions of its topic", () => {
    const handler = () => Promise.resolve();
    const topic = InProcessTopic.fromDefinitions(
      [
        {
          kind: "serviceBus",
          name: "a",
          connection: "c",
          topicName: "mine",
          subscriptionName: "s1",
          subjectFilters: [completed],
          handler,
        },
        {
          kind: "serviceBus",
          name: "b",
          connection: "c",
          topicName: "other",
          subscriptionName: "s2",
          handler,
        },
      ],
      { topicName: "mine" },
    );
    expect(topic.subscriptions).toEqual([
      { name: "a", subscriptionName: "s1", subjectFilters: [completed], handler },
    ]);
  });

  it("stops redelivering once closed, and refuses new messages", async () => {
    const sub = recorder("tagging", { failTimes: 99 });
    const topic = topicOf([sub.subscription], { redeliveryDelayMs: 60_000 });
    await topic.publish([event("e1")]);
    while (sub.deliveries.length === 0) await new Promise((r) => setTimeout(r, 1));
    await topic.close();
    expect(sub.deliveries).toHaveLength(1);
    expect(topic.deadLetters()).toEqual([]);
    await expect(topic.publish([event("e2")])).rejects.toThrow(/closed/);
  });
});
