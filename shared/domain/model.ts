// The shapes of the service's data, as zod schemas: what the API accepts and returns and what
// the stores keep. Stored documents are parsed with these on the way back in (shape checks only;
// full form validation runs once, when a form is written); a session, the largest, with the
// lighter storedSessionDocumentSchema at the end of this file.
import { z } from "zod";
import { idSchema } from "./ids.js";

/**
 * An ISO 8601 date-time with an offset, normalised to UTC `toISOString()` form: the stores
 * compare dates as strings (dueDate, startedAt), so every stored date must share one format.
 */
export const isoDateTime = z.iso.datetime({ offset: true }).overwrite((value) => {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
});

// ---------- forms ----------

export const questionTypes = ["yesNo", "singleChoice", "multiChoice", "text"] as const;
export type QuestionType = (typeof questionTypes)[number];

export const answerOptionSchema = z.object({
  id: idSchema,
  label: z.string().min(1).max(500),
  score: z.number().min(0).max(100),
  autofail: z.boolean().optional(),
});

export const questionSchema = z.object({
  id: idSchema,
  text: z.string().min(1).max(2000),
  type: z.enum(questionTypes),
  required: z.boolean(),
  weight: z.number().min(0).max(100),
  naAllowed: z.boolean().default(false),
  answers: z.array(answerOptionSchema).max(50).default([]),
});

export const groupSchema = z.object({
  id: idSchema,
  name: z.string().min(1).max(500),
  weight: z.number().min(0).max(100),
  questions: z.array(questionSchema).min(1).max(200),
});

/** The body of POST/PUT /forms: shape only; domain/forms.ts adds the cross-field rules. */
export const formInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  groups: z.array(groupSchema).min(1).max(50),
});

export type AnswerOption = z.output<typeof answerOptionSchema>;
export type Question = z.output<typeof questionSchema>;
export type Group = z.output<typeof groupSchema>;
export type FormInput = z.output<typeof formInputSchema>;

export const formSchema = formInputSchema.extend({
  id: idSchema,
  tenantId: z.string(),
  version: z.number().int().min(1),
  createdAt: isoDateTime,
  createdBy: z.string(),
  updatedAt: isoDateTime,
  updatedBy: z.string(),
});
export type Form = z.output<typeof formSchema>;

/** The form version a session was created with; never changes afterwards. */
export const formSnapshotSchema = z.object({
  formId: idSchema,
  version: z.number().int().min(1),
  name: z.string(),
  groups: z.array(groupSchema),
});
export type FormSnapshot = z.output<typeof formSnapshotSchema>;

// ---------- interactions ----------

export const channels = ["voice", "chat", "email"] as const;
export type Channel = (typeof channels)[number];
export const EVALUATED_TAG = "Evaluated";

/**
 * Who holds an interaction: the session that took it (and, for a Calibration session, its
 * calibration, whose sessions share it). Kept on the interaction itself and written only on
 * the revision read before, so of any number of racing claims exactly one succeeds.
 */
export const holdSchema = z.object({
  sessionId: z.string(),
  calibrationId: z.string().optional(),
  at: isoDateTime,
});
export type Hold = z.output<typeof holdSchema>;

export const interactionSchema = z.object({
  id: idSchema,
  tenantId: z.string(),
  externalId: z.string().min(1).max(200),
  agentId: idSchema,
  agentName: z.string().max(200).nullable(),
  startedAt: isoDateTime,
  durationSeconds: z.number().int().min(0),
  channel: z.enum(channels),
  hasMedia: z.boolean(),
  mediaContentType: z.string().nullable().default(null),
  tags: z.array(z.string()),
  createdAt: isoDateTime,
  /** Absent on interactions stored before holds existed: they read as free. */
  hold: holdSchema.nullable().default(null),
});
export type Interaction = z.output<typeof interactionSchema>;

/** What a session keeps of its interaction. */
export const interactionRefSchema = interactionSchema.pick({
  id: true,
  externalId: true,
  agentId: true,
  startedAt: true,
  durationSeconds: true,
  channel: true,
  hasMedia: true,
});
export type InteractionRef = z.output<typeof interactionRefSchema>;

// ---------- sessions ----------

export const sessionTypes = ["Distributed", "Shared", "Calibration", "AdHoc"] as const;
export type SessionType = (typeof sessionTypes)[number];

/** Stored states; `Expired` is derived for display (see domain/session.ts). */
export const storedStates = ["Unassigned", "Pending", "InProgress", "Completed"] as const;
export type StoredState = (typeof storedStates)[number];
export const displayStatuses = [...storedStates, "Expired"] as const;
export type DisplayStatus = (typeof displayStatuses)[number];

export const criteriaSchema = z.object({
  agentId: idSchema.optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  channel: z.enum(channels).optional(),
  minDurationSeconds: z.number().int().min(0).optional(),
});
export type Criteria = z.output<typeof criteriaSchema>;

/**
 * Why a policy picked a session's interaction (docs/policies.md): the period's start date, the
 * agent's eligible interactions when it was picked, its 1-based rank in the seeded shuffle, and
 * the seed.
 */
export const selectionSchema = z.object({
  period: z.string(),
  poolSize: z.number().int().min(1),
  rank: z.number().int().min(1),
  seed: z.string(),
});
export type Selection = z.output<typeof selectionSchema>;

export const answerSchema = z.union([
  z.strictObject({ answerIds: z.array(idSchema).max(50) }),
  z.strictObject({ na: z.literal(true) }),
  z.strictObject({ text: z.string().max(10_000) }),
]);
export type Answer = z.output<typeof answerSchema>;

/** formId → questionId → answer. */
export type Answers = Record<string, Record<string, Answer>>;
export const answersSchema = z.record(idSchema, z.record(idSchema, answerSchema));

export const formScoreSchema = z.object({
  score: z.number().nullable(),
  autofailed: z.boolean(),
  groups: z.record(z.string(), z.number().nullable()),
});
export type FormScore = z.output<typeof formScoreSchema>;

export const scoresSchema = z.object({
  session: z.number().nullable(),
  forms: z.record(z.string(), formScoreSchema),
});
export type Scores = z.output<typeof scoresSchema>;

export const missingRequiredSchema = z.array(
  z.object({ formId: z.string(), questionId: z.string() }),
);

/** A CloudEvents 1.0 event waiting in its session document to be published (the outbox). */
export const cloudEventSchema = z.object({
  specversion: z.literal("1.0"),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1),
  time: isoDateTime,
  datacontenttype: z.literal("application/json"),
  data: z.record(z.string(), z.unknown()),
});
export type CloudEvent = z.output<typeof cloudEventSchema>;

// ---------- history and versions ----------

export const historyActions = [
  "created",
  "assigned",
  "answersSaved",
  "completed",
  "rescored",
  "interactionReplaced",
  "defaultScoresChanged",
  "archived",
  "disputeRaised",
  "disputeWithdrawn",
  "disputeResolved",
] as const;
export type HistoryAction = (typeof historyActions)[number];

/** Answers as stored (shape only: they were validated when written). */
export const storedAnswerSchema = z.union([
  z.object({ answerIds: z.array(z.string()) }),
  z.object({ na: z.literal(true) }),
  z.object({ text: z.string() }),
]);
const storedAnswersSchema = z.record(z.string(), z.record(z.string(), storedAnswerSchema));

/** One user write to a session, as its history shows it (`revision`: the one it made). */
export const historyEntrySchema = z.object({
  revision: z.number().int().min(1),
  at: isoDateTime,
  by: z.string(),
  action: z.enum(historyActions),
  reason: z.string().optional(),
  changes: z.array(
    z.object({
      formId: z.string(),
      questionId: z.string(),
      from: storedAnswerSchema.nullable(),
      to: storedAnswerSchema.nullable(),
    }),
  ),
  score: z.object({ from: z.number().nullable(), to: z.number().nullable() }).optional(),
});
export type HistoryEntry = z.output<typeof historyEntrySchema>;

export const versionCauses = ["completed", "edited", "dispute"] as const;
export type VersionCause = (typeof versionCauses)[number];

/** What a completed session said at one version (a completion, an edit, a dispute). */
export const versionSnapshotSchema = z.object({
  version: z.number().int().min(1),
  createdAt: isoDateTime,
  createdBy: z.string(),
  cause: z.enum(versionCauses),
  reason: z.string().optional(),
  score: z.number().nullable(),
  answers: storedAnswersSchema,
  scores: scoresSchema,
});
export type VersionSnapshot = z.output<typeof versionSnapshotSchema>;

// ---------- disputes ----------

export const disputeStatuses = [
  "Open",
  "Accepted",
  "PartiallyAccepted",
  "Rejected",
  "Withdrawn",
] as const;
export type DisputeStatus = (typeof disputeStatuses)[number];
export const disputeReasonCodes = ["GRADER_ERROR", "NOT_GRADER_ERROR", "FORM_UNCLEAR"] as const;

export const disputeDecisionSchema = z.object({
  outcome: z.enum(["accepted", "rejected"]),
  reasonCode: z.enum(disputeReasonCodes),
  comment: z.string().optional(),
});

/** An agent's challenge of a completed evaluation, question by question; it lives in its session. */
export const disputeSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  agentId: z.string(),
  evaluatorId: z.string(),
  /** The version disputed. */
  version: z.number().int().min(1),
  status: z.enum(disputeStatuses),
  comment: z.string(),
  raisedAt: isoDateTime,
  raisedBy: z.string(),
  items: z.array(
    z.object({
      formId: z.string(),
      questionId: z.string(),
      current: storedAnswerSchema.nullable(),
      proposed: storedAnswerSchema,
      comment: z.string().optional(),
      decision: disputeDecisionSchema.optional(),
    }),
  ),
  resolvedAt: isoDateTime.optional(),
  resolvedBy: z.string().optional(),
  resolutionComment: z.string().optional(),
  /** The version the resolution made (absent when nothing was accepted). */
  resolvedVersion: z.number().int().min(2).optional(),
  withdrawnAt: isoDateTime.optional(),
  withdrawnBy: z.string().optional(),
});
export type Dispute = z.output<typeof disputeSchema>;

/** What a completion asks to tell the agent (the notifications consumer creates the item). */
export const notifyAgentSchema = z.object({
  dueDate: isoDateTime,
  summary: z.string().min(1).max(4000),
  showScore: z.boolean(),
});
export type NotifyAgent = z.output<typeof notifyAgentSchema>;

export const sessionDocumentSchema = z.object({
  id: idSchema,
  tenantId: z.string(),
  name: z.string(),
  type: z.enum(sessionTypes),
  source: z.enum(["manual", "criteria", "policy"]),
  criteria: criteriaSchema.optional(),
  /** A policy's session: the policy, and why it picked the interaction. */
  policyId: idSchema.optional(),
  selection: selectionSchema.optional(),
  calibrationId: idSchema.optional(),
  state: z.enum(storedStates),
  archived: z.boolean(),
  archivedAt: isoDateTime.optional(),
  archivedBy: z.string().optional(),
  evaluatorId: z.string().nullable(),
  agentId: z.string(),
  interaction: interactionRefSchema,
  dueDate: isoDateTime,
  defaultScores: z.boolean(),
  showScore: z.boolean(),
  forms: z.array(formSnapshotSchema),
  answers: answersSchema,
  scores: scoresSchema,
  createdAt: isoDateTime,
  createdBy: z.string(),
  lastEditedAt: isoDateTime,
  lastEditedBy: z.string(),
  completedAt: isoDateTime.optional(),
  completedBy: z.string().optional(),
  /**
   * The notice the completion asked for, kept with the session so that the consumer that makes
   * the action item trusts the session, never the message that reached it.
   */
  notifyAgent: notifyAgentSchema.optional(),
  /** The evaluation's version: null until the first completion, then 1, 2, … */
  version: z.number().int().min(1).nullable().default(null),
  /** When the current version was made (a dispute's window counts from it). */
  versionAt: isoDateTime.optional(),
  /** Every dispute raised on the session (a handful: DISPUTE_MAX_PER_SESSION). */
  disputes: z.array(disputeSchema).default([]),
  /** The user-visible revision: the HTTP ETag. Background work never changes it. */
  revision: z.number().int().min(1),
  pendingEvents: z.array(cloudEventSchema),
  /** History entries and version snapshots written with their change, until moved out. */
  pendingHistory: z.array(historyEntrySchema).default([]),
  pendingVersions: z.array(versionSnapshotSchema).default([]),
  /**
   * Indexed flag for the outbox sweep (the one cross-tenant query): something is pending,
   * events, history entries or version snapshots (the name predates the last two).
   */
  hasPendingEvents: z.boolean(),
});
export type SessionDocument = z.output<typeof sessionDocumentSchema>;

// ---------- stored sessions, read back ----------

// A stored session was checked when it was written: its form snapshots came from validated
// forms, its answers through answersPatchSchema and the domain. Reading it back checks the shape
// of those two parts only (plain strings for ids, no length or range limits), which is most of
// the document: on a 5 × 40 session this parse costs a third to a fifth of the full schema's
// (bench/stored-parse.ts).

const storedFormSnapshotSchema = z.object({
  formId: z.string(),
  version: z.number(),
  name: z.string(),
  groups: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      weight: z.number(),
      questions: z.array(
        z.object({
          id: z.string(),
          text: z.string(),
          type: z.enum(questionTypes),
          required: z.boolean(),
          weight: z.number(),
          naAllowed: z.boolean().default(false),
          answers: z.array(
            z.object({
              id: z.string(),
              label: z.string(),
              score: z.number(),
              autofail: z.boolean().optional(),
            }),
          ),
        }),
      ),
    }),
  ),
});

/** What the Cosmos adapter parses a session document with; same output as the full schema. */
export const storedSessionDocumentSchema = sessionDocumentSchema.extend({
  forms: z.array(storedFormSnapshotSchema),
  answers: storedAnswersSchema,
});

// ---------- action items ----------

export const actionItemStatuses = ["Open", "Responded", "Closed"] as const;

export const actionItemSchema = z.object({
  id: idSchema,
  tenantId: z.string(),
  type: z.literal("EvaluatorMessage"),
  sessionId: idSchema,
  agentId: z.string(),
  evaluatorId: z.string(),
  summary: z.string(),
  dueDate: isoDateTime,
  showScore: z.boolean(),
  status: z.enum(actionItemStatuses),
  responses: z.array(
    z.object({
      /** Set on a system response (a dispute's outcome), derived from its event: added once. */
      id: z.string().optional(),
      by: z.string(),
      at: isoDateTime,
      message: z.string(),
    }),
  ),
  createdAt: isoDateTime,
  revision: z.number().int().min(1),
});
export type ActionItem = z.output<typeof actionItemSchema>;
