import { describe, expect, it } from "vitest";
import {
  archivedEvent,
  completedEvent,
  completedEventDataSchema,
  eventTypes,
  rescoredEvent,
  sessionEventSchema,
  withPendingEvent,
} from "./events.js";
import { cloudEventSchema } from "./model.js";
import { archive } from "./session.js";
import {
  admin,
  alice,
  complete,
  newSession,
  saveAnswers,
  T0,
} from "../../test/support/domain-fixtures.js";

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const ready = () =>
  saveAnswers(
    newSession(),
    alice,
    {
      care: {
        greet: { answerIds: ["yes"] },
        verify: { na: true },
        resolved: { answerIds: ["yes"] },
      },
    },
    undefined,
    at(1),
  );

describe("completed event", () => {
  it("is a CloudEvent with docs/api.md's data, and validates against the exported schemas", () => {
    const doc = complete(ready(), alice, undefined, at(2));
    const event = doc.pendingEvents[0]!;
    expect(cloudEventSchema.parse(event)).toEqual(event);
    expect(sessionEventSchema.parse(event).type).toBe(eventTypes.completed);
    expect(event).toEqual({
      specversion: "1.0",
      id: "s1.completed.3",
      source: "/tenants/t1/evaluation-sessions",
      type: "com.speechminer.evaluationsession.completed.v1",
      subject: "s1",
      time: at(2).toISOString(),
      datacontenttype: "application/json",
      data: {
        tenantId: "t1",
        sessionId: "s1",
        interactionId: "i1",
        externalId: "ext-1",
        agentId: "agent1",
        evaluatorId: "alice",
        completedAt: at(2).toISOString(),
        completedBy: "alice",
        score: 100,
        forms: [{ formId: "care", version: 1, score: 100, autofailed: false }],
      },
    });
  });

  it("has the same id when built again for the same change (stable on retry)", () => {
    const doc = complete(ready(), alice, undefined, at(2));
    expect(completedEvent(doc).id).toBe(doc.pendingEvents[0]!.id);
  });

  it("refuses to describe a session that is not completed", () => {
    expect(() => completedEvent(ready())).toThrow(/completedAt/);
  });

  it("its data schema rejects a message missing a field", () => {
    const { data } = completedEvent(complete(ready(), alice, undefined, at(2)));
    const { score: _score, ...incomplete } = data;
    expect(completedEventDataSchema.safeParse(incomplete).success).toBe(false);
  });
});

describe("rescored and archived events", () => {
  it("rescored adds previousScore, editedBy, editedAt; ids differ per change", () => {
    const done = complete(ready(), alice, undefined, at(2));
    const edited = saveAnswers(
      done,
      admin,
      { care: { resolved: { answerIds: ["no"] } } },
      undefined,
      at(3),
    );
    const event = rescoredEvent(edited, { score: 100, version: 1 }, "edited", "policy clarified");
    expect(sessionEventSchema.parse(event)).toMatchObject({
      id: "s1.rescored.4",
      data: {
        previousScore: 100,
        score: 40,
        editedBy: "admin",
        editedAt: at(3).toISOString(),
        version: 2,
        previousVersion: 1,
        cause: "edited",
        reason: "policy clarified",
      },
    });
    expect(edited.pendingEvents.map((e) => e.id)).toEqual(["s1.completed.3", "s1.rescored.4"]);
  });
  it("archived carries exactly tenantId, sessionId, archivedAt, archivedBy", () => {
    const archived = archive(complete(ready(), alice, undefined, at(2)), admin, at(3));
    expect(archivedEvent(archived).data).toEqual({
      tenantId: "t1",
      sessionId: "s1",
      archivedAt: at(3).toISOString(),
      archivedBy: "admin",
    });
  });
});

describe("withPendingEvent", () => {
  it("appends to the outbox, raises the flag and leaves the input alone", () => {
    const doc = complete(ready(), alice, undefined, at(2));
    const cleared = { ...doc, pendingEvents: [], hasPendingEvents: false };
    const next = withPendingEvent(cleared, completedEvent(doc));
    expect(next.pendingEvents).toHaveLength(1);
    expect(next.hasPendingEvents).toBe(true);
    expect(cleared.pendingEvents).toHaveLength(0);
  });
});
