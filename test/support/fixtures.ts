// Small factories for valid stored documents (per shared/domain/model.ts), each with a fresh id,
// so tests create their own data and never collide.
import { randomUUID } from "node:crypto";
import type {
  ActionItem,
  CloudEvent,
  Form,
  FormSnapshot,
  Interaction,
  SessionDocument,
} from "../../shared/domain/model.js";

export function freshId(prefix = "id"): string {
  return `${prefix}-${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

const T0 = "2026-01-01T00:00:00.000Z";

/** An ISO date `days` after 2026-01-01 (fractions allowed), in the `toISOString()` form stores compare. */
export function day(days: number): string {
  return new Date(Date.parse(T0) + days * 86_400_000).toISOString();
}

const groups: FormSnapshot["groups"] = [
  {
    id: "g1",
    name: "Greeting",
    weight: 100,
    questions: [
      {
        id: "q1",
        text: "Did the agent greet the customer?",
        type: "yesNo",
        required: true,
        weight: 100,
        naAllowed: false,
        answers: [
          { id: "yes", label: "Yes", score: 100 },
          { id: "no", label: "No", score: 0 },
        ],
      },
    ],
  },
];

export function makeForm(overrides: Partial<Form> & { tenantId: string }): Form {
  return {
    id: freshId("form"),
    name: "Call quality",
    groups: structuredClone(groups),
    version: 1,
    createdAt: T0,
    createdBy: "admin",
    updatedAt: T0,
    updatedBy: "admin",
    ...overrides,
  };
}

export function makeInteraction(
  overrides: Partial<Interaction> & { tenantId: string },
): Interaction {
  const id = overrides.id ?? freshId("int");
  return {
    id,
    externalId: `ext-${id}`,
    agentId: "agent-1",
    agentName: "Agent One",
    startedAt: day(0),
    durationSeconds: 120,
    channel: "voice",
    hasMedia: false,
    mediaContentType: null,
    tags: [],
    createdAt: T0,
    hold: null,
    ...overrides,
  };
}

export function makeEvent(sessionId: string, type = "completed"): CloudEvent {
  return {
    specversion: "1.0",
    id: freshId("evt"),
    source: "/tenants/t/evaluation-sessions",
    type: `com.speechminer.evaluationsession.${type}.v1`,
    subject: sessionId,
    time: T0,
    datacontenttype: "application/json",
    data: { sessionId },
  };
}

export function makeSession(
  overrides: Partial<SessionDocument> & { tenantId: string },
): SessionDocument {
  const id = overrides.id ?? freshId("ses");
  const interaction = makeInteraction({ tenantId: overrides.tenantId });
  return {
    id,
    name: `Session ${id}`,
    type: "Distributed",
    source: "manual",
    state: "Pending",
    archived: false,
    evaluatorId: "alice",
    agentId: interaction.agentId,
    interaction: {
      id: interaction.id,
      externalId: interaction.externalId,
      agentId: interaction.agentId,
      startedAt: interaction.startedAt,
      durationSeconds: interaction.durationSeconds,
      channel: interaction.channel,
      hasMedia: interaction.hasMedia,
    },
    dueDate: day(30),
    defaultScores: false,
    showScore: false,
    forms: [
      { formId: "form-1", version: 1, name: "Call quality", groups: structuredClone(groups) },
    ],
    answers: { "form-1": { q1: { answerIds: ["yes"] } } },
    scores: {
      session: 100,
      forms: { "form-1": { score: 100, autofailed: false, groups: { g1: 100 } } },
    },
    createdAt: T0,
    createdBy: "admin",
    lastEditedAt: T0,
    lastEditedBy: "admin",
    version: null,
    revision: 1,
    pendingEvents: [],
    pendingHistory: [],
    pendingVersions: [],
    disputes: [],
    hasPendingEvents: false,
    ...overrides,
  };
}

export function makeActionItem(overrides: Partial<ActionItem> & { tenantId: string }): ActionItem {
  return {
    id: freshId("ai"),
    type: "EvaluatorMessage",
    sessionId: freshId("ses"),
    agentId: "agent-1",
    evaluatorId: "alice",
    summary: "Please review the greeting.",
    dueDate: day(14),
    showScore: false,
    status: "Open",
    responses: [],
    createdAt: T0,
    revision: 1,
    ...overrides,
  };
}
