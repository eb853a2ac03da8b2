// The CloudEvents 1.0 the service emits on state changes (docs/events.md). They are built by
// the operation that changes the state and ride in the session document (the outbox), so an
// event's id is derived from the change itself and stays the same on every publish retry.
import { z } from "zod";
import { idSchema } from "./ids.js";
import {
  cloudEventSchema,
  disputeSchema,
  isoDateTime,
  type Dispute,
  notifyAgentSchema,
  type CloudEvent,
  type NotifyAgent,
  type SessionDocument,
} from "./model.js";

export { notifyAgentSchema, type NotifyAgent };

export const eventTypes = {
  completed: "com.speechminer.evaluationsession.completed.v1",
  rescored: "com.speechminer.evaluationsession.rescored.v1",
  archived: "com.speechminer.evaluationsession.archived.v1",
  disputed: "com.speechminer.evaluationsession.disputed.v1",
  "dispute-withdrawn": "com.speechminer.evaluationsession.dispute-withdrawn.v1",
  "dispute-resolved": "com.speechminer.evaluationsession.dispute-resolved.v1",
} as const;
export type EventKind = keyof typeof eventTypes;

export const eventSource = (tenantId: string): string => `/tenants/${tenantId}/evaluation-sessions`;

/** Unique per change (a write bumps the revision), identical on every retry of the same one. */
export const eventId = (sessionId: string, kind: EventKind, revision: number): string =>
  `${sessionId}.${kind}.${revision}`;

/** The "notify agent" a request sends (complete, notify-agent): the summary trimmed. */
export const notifyAgentInputSchema = notifyAgentSchema.extend({
  summary: z.string().trim().min(1).max(4000),
});

export const eventFormScoreSchema = z.object({
  formId: z.string(),
  version: z.number().int().min(1),
  score: z.number().nullable(),
  autofailed: z.boolean(),
});

export const completedEventDataSchema = z.object({
  tenantId: z.string(),
  sessionId: idSchema,
  interactionId: z.string(),
  externalId: z.string(),
  agentId: z.string(),
  evaluatorId: z.string(),
  completedAt: isoDateTime,
  completedBy: z.string(),
  score: z.number().nullable(),
  forms: z.array(eventFormScoreSchema),
  notifyAgent: notifyAgentSchema.optional(),
});
export type CompletedEventData = z.output<typeof completedEventDataSchema>;

export const rescoredEventDataSchema = completedEventDataSchema.extend({
  previousScore: z.number().nullable(),
  editedBy: z.string(),
  editedAt: isoDateTime,
  /** The version the change made, the one it retracted, and why it was made. */
  version: z.number().int().min(2),
  previousVersion: z.number().int().min(1),
  cause: z.enum(["edited", "dispute"]),
  reason: z.string().optional(),
});
export type RescoredEventData = z.output<typeof rescoredEventDataSchema>;

export const archivedEventDataSchema = z.object({
  tenantId: z.string(),
  sessionId: idSchema,
  archivedAt: isoDateTime,
  archivedBy: z.string(),
});
export type ArchivedEventData = z.output<typeof archivedEventDataSchema>;

/** Whole messages, for consumers that validate what they receive. */
export const completedEventSchema = cloudEventSchema.extend({
  type: z.literal(eventTypes.completed),
  data: completedEventDataSchema,
});
export const rescoredEventSchema = cloudEventSchema.extend({
  type: z.literal(eventTypes.rescored),
  data: rescoredEventDataSchema,
});
export const archivedEventSchema = cloudEventSchema.extend({
  type: z.literal(eventTypes.archived),
  data: archivedEventDataSchema,
});
export type CompletedEvent = z.output<typeof completedEventSchema>;

const disputeItemSchema = disputeSchema.shape.items.element.omit({ decision: true });

export const disputedEventDataSchema = z.object({
  tenantId: z.string(),
  sessionId: idSchema,
  disputeId: z.string(),
  agentId: z.string(),
  evaluatorId: z.string(),
  version: z.number().int().min(1),
  items: z.array(disputeItemSchema),
});
export const disputeWithdrawnEventDataSchema = z.object({
  tenantId: z.string(),
  sessionId: idSchema,
  disputeId: z.string(),
  withdrawnBy: z.string(),
});
export const disputeResolvedEventDataSchema = z.object({
  tenantId: z.string(),
  sessionId: idSchema,
  disputeId: z.string(),
  status: z.enum(["Accepted", "PartiallyAccepted", "Rejected"]),
  accepted: z.number().int().min(0),
  rejected: z.number().int().min(0),
  /** The session's version after the resolution. */
  version: z.number().int().min(1),
});

export const disputedEventSchema = cloudEventSchema.extend({
  type: z.literal(eventTypes.disputed),
  data: disputedEventDataSchema,
});
export const disputeWithdrawnEventSchema = cloudEventSchema.extend({
  type: z.literal(eventTypes["dispute-withdrawn"]),
  data: disputeWithdrawnEventDataSchema,
});
export const disputeResolvedEventSchema = cloudEventSchema.extend({
  type: z.literal(eventTypes["dispute-resolved"]),
  data: disputeResolvedEventDataSchema,
});
export type DisputeResolvedEvent = z.output<typeof disputeResolvedEventSchema>;

export const sessionEventSchema = z.discriminatedUnion("type", [
  completedEventSchema,
  rescoredEventSchema,
  archivedEventSchema,
  disputedEventSchema,
  disputeWithdrawnEventSchema,
  disputeResolvedEventSchema,
]);

function envelope(
  doc: SessionDocument,
  kind: EventKind,
  time: string,
  data: Record<string, unknown>,
): CloudEvent {
  return {
    specversion: "1.0",
    id: eventId(doc.id, kind, doc.revision),
    source: eventSource(doc.tenantId),
    type: eventTypes[kind],
    subject: doc.id,
    time,
    datacontenttype: "application/json",
    data,
  };
}

function missing(field: string, doc: SessionDocument): Error {
  // A programming error (an event built before its state change), not a caller's mistake.
  return new Error(`Session ${doc.id} has no ${field}: build the event after the change.`);
}

function completionData(doc: SessionDocument): CompletedEventData {
  if (!doc.completedAt || !doc.completedBy) throw missing("completedAt/completedBy", doc);
  if (doc.evaluatorId === null) throw missing("evaluatorId", doc);
  return {
    tenantId: doc.tenantId,
    sessionId: doc.id,
    interactionId: doc.interaction.id,
    externalId: doc.interaction.externalId,
    agentId: doc.agentId,
    evaluatorId: doc.evaluatorId,
    completedAt: doc.completedAt,
    completedBy: doc.completedBy,
    score: doc.scores.session,
    forms: doc.forms.map((form) => {
      const formScore = doc.scores.forms[form.formId];
      return {
        formId: form.formId,
        version: form.version,
        score: formScore?.score ?? null,
        autofailed: formScore?.autofailed ?? false,
      };
    }),
  };
}

/** `completed`, for a document already in its Completed state (with its new revision). */
export function completedEvent(doc: SessionDocument, notifyAgent?: NotifyAgent): CloudEvent {
  const data: CompletedEventData = {
    ...completionData(doc),
    ...(notifyAgent ? { notifyAgent } : {}),
  };
  return envelope(doc, "completed", data.completedAt, data);
}

/** `rescored`, for a Completed document whose answers just changed (its new version). */
export function rescoredEvent(
  doc: SessionDocument,
  previous: { score: number | null; version: number },
  cause: "edited" | "dispute",
  reason?: string,
): CloudEvent {
  if (doc.version === null) throw missing("version", doc);
  const data: RescoredEventData = {
    ...completionData(doc),
    previousScore: previous.score,
    editedBy: doc.lastEditedBy,
    editedAt: doc.lastEditedAt,
    version: doc.version,
    previousVersion: previous.version,
    cause,
    ...(reason !== undefined ? { reason } : {}),
  };
  return envelope(doc, "rescored", data.editedAt, data);
}

/** `archived`, for a document just archived. */
export function archivedEvent(doc: SessionDocument): CloudEvent {
  if (!doc.archivedAt || !doc.archivedBy) throw missing("archivedAt/archivedBy", doc);
  const data: ArchivedEventData = {
    tenantId: doc.tenantId,
    sessionId: doc.id,
    archivedAt: doc.archivedAt,
    archivedBy: doc.archivedBy,
  };
  return envelope(doc, "archived", data.archivedAt, data);
}

/** `disputed`, for a session whose dispute was just raised. */
export function disputedEvent(doc: SessionDocument, dispute: Dispute): CloudEvent {
  const data: z.output<typeof disputedEventDataSchema> = {
    tenantId: doc.tenantId,
    sessionId: doc.id,
    disputeId: dispute.id,
    agentId: dispute.agentId,
    evaluatorId: dispute.evaluatorId,
    version: dispute.version,
    items: dispute.items.map(({ decision: _d, ...item }) => item),
  };
  return envelope(doc, "disputed", dispute.raisedAt, data);
}

/** `dispute-withdrawn`, for a session whose dispute was just withdrawn. */
export function disputeWithdrawnEvent(doc: SessionDocument, dispute: Dispute): CloudEvent {
  if (!dispute.withdrawnAt || !dispute.withdrawnBy) throw missing("withdrawnAt/By", doc);
  const data: z.output<typeof disputeWithdrawnEventDataSchema> = {
    tenantId: doc.tenantId,
    sessionId: doc.id,
    disputeId: dispute.id,
    withdrawnBy: dispute.withdrawnBy,
  };
  return envelope(doc, "dispute-withdrawn", dispute.withdrawnAt, data);
}

/** `dispute-resolved`, for a session whose dispute was just resolved (its version after). */
export function disputeResolvedEvent(doc: SessionDocument, dispute: Dispute): CloudEvent {
  if (
    !dispute.resolvedAt ||
    doc.version === null ||
    dispute.status === "Open" ||
    dispute.status === "Withdrawn"
  ) {
    throw missing("a resolution", doc);
  }
  const accepted = dispute.items.filter((i) => i.decision?.outcome === "accepted").length;
  const data: z.output<typeof disputeResolvedEventDataSchema> = {
    tenantId: doc.tenantId,
    sessionId: doc.id,
    disputeId: dispute.id,
    status: dispute.status,
    accepted,
    rejected: dispute.items.length - accepted,
    version: doc.version,
  };
  return envelope(doc, "dispute-resolved", dispute.resolvedAt, data);
}

/** Adds an event to the document's outbox, in the same write as the change it reports. */
export function withPendingEvent(doc: SessionDocument, event: CloudEvent): SessionDocument {
  return { ...doc, pendingEvents: [...doc.pendingEvents, event], hasPendingEvents: true };
}
