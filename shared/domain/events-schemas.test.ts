// The published JSON Schemas (docs/events/*.schema.json) against the code: they must be exactly
// what the generator makes from the zod schemas, and events the domain really builds must pass
// them, while the JSON Schema and the zod schema agree on what they refuse.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  eventSchemaFileName,
  eventSchemaFiles,
  eventSchemasDir,
} from "../../scripts/generate-event-schemas.js";
import { eventTypes, sessionEventSchema, type EventKind } from "./events.js";
import type { CloudEvent } from "./model.js";
import { raiseDispute, resolveDispute, withdrawDispute } from "./disputes.js";
import { archive } from "./session.js";
import {
  admin,
  alice,
  change,
  complete,
  newSession,
  saveAnswers,
  T0,
} from "../../test/support/domain-fixtures.js";

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** The events a real session emits: completed (with notifyAgent), rescored, the dispute ones, archived. */
function realEvents(): Record<EventKind, CloudEvent> {
  const saved = saveAnswers(
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
  const notify = { dueDate: "2026-12-05T00:00:00.000Z", summary: "Well done", showScore: true };
  const done = complete(saved, alice, notify, at(2));
  const edited = saveAnswers(
    done,
    alice,
    { care: { resolved: { answerIds: ["no"] } } },
    undefined,
    at(3),
  );
  const rules = { windowDays: 14, maxPerSession: 3 };
  const item = { formId: "care", questionId: "verify", proposed: { answerIds: ["full"] } };
  const raised = raiseDispute(
    edited,
    admin,
    change(edited, { comment: "Verified", items: [item] }),
    at(4),
    rules,
    false,
  );
  const decision = {
    formId: "care",
    questionId: "verify",
    outcome: "accepted" as const,
    reasonCode: "GRADER_ERROR" as const,
  };
  const resolved = resolveDispute(
    raised.session,
    raised.dispute.id,
    alice,
    change(raised.session, { decisions: [decision] }),
    at(5),
  );
  const again = raiseDispute(
    resolved.session,
    admin,
    change(resolved.session, { comment: "Again", items: [{ ...item, proposed: { na: true } }] }),
    at(6),
    rules,
    false,
  );
  const withdrawn = withdrawDispute(
    again.session,
    again.dispute.id,
    admin,
    change(again.session, undefined),
    at(7),
  );
  const archived = archive(withdrawn.session, admin, at(8));
  const byType = new Map(archived.pendingEvents.map((e) => [e.type, e]));
  const pick = (kind: EventKind): CloudEvent => {
    const event = byType.get(eventTypes[kind]);
    if (!event) throw new Error(`the domain emitted no ${kind} event`);
    return event;
  };
  return Object.fromEntries(
    Object.keys(eventTypes).map((kind) => [kind, pick(kind as EventKind)]),
  ) as Record<EventKind, CloudEvent>;
}

const kinds = Object.keys(eventTypes) as EventKind[];

function publishedSchema(kind: EventKind): { json: Record<string, unknown>; validator: z.ZodType } {
  const json = z
    .record(z.string(), z.unknown())
    .parse(JSON.parse(readFileSync(join(eventSchemasDir, eventSchemaFileName(kind)), "utf8")));
  return { json, validator: z.fromJSONSchema(json) };
}

/** Copies of `event` each broken in one way a faulty producer could break it. */
function brokenVariants(event: CloudEvent): [string, unknown][] {
  const variants: [string, unknown][] = [];
  for (const key of Object.keys(event)) {
    const { [key]: _dropped, ...rest } = event as Record<string, unknown>;
    variants.push([`without ${key}`, rest]);
  }
  for (const key of Object.keys(event.data)) {
    const { [key]: _dropped, ...data } = event.data;
    variants.push([`without data.${key}`, { ...event, data }]);
    variants.push([`data.${key} as an object`, { ...event, data: { ...event.data, [key]: {} } }]);
  }
  variants.push(["an unknown type", { ...event, type: `${event.type}.x` }]);
  variants.push(["specversion 0.3", { ...event, specversion: "0.3" }]);
  variants.push(["a time without zone", { ...event, time: "2026-11-10 09:00" }]);
  variants.push([
    "a sessionId with a slash",
    { ...event, data: { ...event.data, sessionId: "a/b" } },
  ]);
  variants.push([
    "a prototype name as sessionId",
    { ...event, data: { ...event.data, sessionId: "__proto__" } },
  ]);
  return variants;
}

describe("docs/events/*.schema.json", () => {
  it("are exactly what `npm run events:schemas` generates from the zod schemas (no stale or extra file)", async () => {
    const generated = await eventSchemaFiles();
    const committed = readdirSync(eventSchemasDir).filter((f) => f.endsWith(".schema.json"));
    expect(committed.sort()).toEqual([...generated.keys()].sort());
    for (const [name, text] of generated) {
      expect(readFileSync(join(eventSchemasDir, name), "utf8"), name).toBe(text);
    }
  });

  it.each(kinds)("%s: names its event type in the title and pins it with const", (kind) => {
    const { json } = publishedSchema(kind);
    expect(json.title).toBe(eventTypes[kind]);
    expect(json).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      properties: { type: { const: eventTypes[kind] }, specversion: { const: "1.0" } },
    });
  });

  it.each(kinds)("%s: accepts the event the domain really builds", (kind) => {
    const event = realEvents()[kind];
    const { validator } = publishedSchema(kind);
    expect(sessionEventSchema.parse(event).type).toBe(eventTypes[kind]);
    const result = validator.safeParse(event);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it("accepts the completed event's optional notifyAgent, and a field added later within v1", () => {
    const event = realEvents().completed;
    expect(event.data.notifyAgent).toBeDefined();
    const { validator } = publishedSchema("completed");
    const extended = { ...event, data: { ...event.data, addedLater: 1 } };
    expect(validator.safeParse(extended).success).toBe(true);
    expect(sessionEventSchema.safeParse(extended).success).toBe(true);
  });

  it.each(kinds)("%s: refuses exactly what the consumers' zod schema refuses", (kind) => {
    const event = realEvents()[kind];
    const { validator } = publishedSchema(kind);
    const disagreements: string[] = [];
    let refused = 0;
    for (const [label, variant] of brokenVariants(event)) {
      const byJsonSchema = validator.safeParse(variant).success;
      const byZod = sessionEventSchema.safeParse(variant).success;
      if (byJsonSchema !== byZod)
        disagreements.push(`${label}: JSON Schema ${byJsonSchema}, zod ${byZod}`);
      if (!byJsonSchema) refused++;
    }
    expect(disagreements).toEqual([]);
    // Optional notifyAgent is the only field whose removal is allowed.
    expect(refused).toBeGreaterThan(brokenVariants(event).length - 2);
  });
});
