// What every export shows, computed once from the stored session: a summary and one flat row
// per question. The renderers only lay this out, so the three formats cannot disagree.
import type {
  Answer,
  DisplayStatus,
  FormSnapshot,
  Question,
  QuestionType,
  SessionDocument,
  SessionType,
} from "../domain/model.js";

export interface ExportInput {
  session: SessionDocument;
  /** The derived status the API shows (Expired included). */
  status: DisplayStatus;
  generatedAt: Date;
  agentName?: string | null;
  evaluatorName?: string | null;
  /**
   * Set when a client asked for one version (`session` then holds that version's answers and
   * scores); the file is named after it. Otherwise the export shows the current version.
   */
  requestedVersion?: number;
}

export interface ExportRow {
  formId: string;
  formName: string;
  groupId: string;
  groupName: string;
  groupWeight: number;
  questionId: string;
  question: string;
  type: QuestionType;
  required: boolean;
  questionWeight: number;
  /** Labels of the chosen answers, in the form's order. */
  answerLabels: string[];
  /** Rounded to 2 decimals; null for text, N/A and unanswered questions. */
  answerScore: number | null;
  na: boolean;
  answered: boolean;
  /** The free text of a text answer (the form's comment field). */
  text: string | null;
  /** A chosen answer is marked autofail. */
  autofail: boolean;
}

export interface ExportFormSummary {
  formId: string;
  name: string;
  version: number;
  /** Rounded to 2 decimals; null when no question counted. */
  score: number | null;
  autofailed: boolean;
  groups: { groupId: string; name: string; weight: number; score: number | null }[];
}

export interface ExportSummary {
  sessionId: string;
  sessionName: string;
  type: SessionType;
  status: DisplayStatus;
  completed: boolean;
  archived: boolean;
  interactionId: string;
  externalId: string;
  channel: string;
  interactionStartedAt: string;
  /** The agent's display name when known, else the agent id. */
  agent: string;
  /** The evaluator's display name when known, else the id; null while Unassigned. */
  evaluator: string | null;
  createdAt: string;
  dueDate: string;
  completedAt: string | null;
  lastEditedAt: string;
  generatedAt: string;
  /** The evaluation's version shown; null before the first completion. */
  version: number | null;
  sessionScore: number | null;
  forms: ExportFormSummary[];
}

export interface ExportContent {
  summary: ExportSummary;
  rows: ExportRow[];
}

/** Rounds half away from zero to 2 decimals, nudged so 1.005 becomes 1.01 as a reader expects. */
export function round2(value: number): number {
  const sign = value < 0 ? -1 : 1;
  return (sign * Math.round((Math.abs(value) + Number.EPSILON) * 100)) / 100;
}

export function round2OrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : round2(value);
}

/** "75.00", or the given placeholder when there is no score. */
export function formatScore(value: number | null, none = ""): string {
  return value === null ? none : value.toFixed(2);
}

function answerScore(question: Question, answer: Answer | undefined): number | null {
  if (question.type === "text" || answer === undefined || !("answerIds" in answer)) return null;
  const chosen = question.answers.filter((o) => answer.answerIds.includes(o.id));
  if (question.type === "multiChoice") {
    return Math.min(
      100,
      chosen.reduce((sum, o) => sum + o.score, 0),
    );
  }
  return chosen[0]?.score ?? null;
}

function formRows(form: FormSnapshot, answers: Record<string, Answer> | undefined): ExportRow[] {
  const rows: ExportRow[] = [];
  for (const group of form.groups) {
    for (const question of group.questions) {
      const answer = answers?.[question.id];
      const chosenIds = answer !== undefined && "answerIds" in answer ? answer.answerIds : [];
      const chosen = question.answers.filter((o) => chosenIds.includes(o.id));
      // An id no longer in the snapshot would be a data fault; show it rather than hide it.
      const unknown = chosenIds.filter((id) => !question.answers.some((o) => o.id === id));
      rows.push({
        formId: form.formId,
        formName: form.name,
        groupId: group.id,
        groupName: group.name,
        groupWeight: group.weight,
        questionId: question.id,
        question: question.text,
        type: question.type,
        required: question.required,
        questionWeight: question.weight,
        answerLabels: [...chosen.map((o) => o.label), ...unknown],
        answerScore: round2OrNull(answerScore(question, answer)),
        na: answer !== undefined && "na" in answer,
        answered: answer !== undefined,
        text: answer !== undefined && "text" in answer ? answer.text : null,
        autofail: chosen.some((o) => o.autofail === true),
      });
    }
  }
  return rows;
}

/** Flattens a session into the summary and rows every export format renders. Pure. */
export function exportRows(input: ExportInput): ExportContent {
  const { session } = input;
  const forms: ExportFormSummary[] = session.forms.map((form) => {
    const stored = session.scores.forms[form.formId];
    return {
      formId: form.formId,
      name: form.name,
      version: form.version,
      score: round2OrNull(stored?.score),
      autofailed: stored?.autofailed ?? false,
      groups: form.groups.map((g) => ({
        groupId: g.id,
        name: g.name,
        weight: g.weight,
        score: round2OrNull(stored?.groups[g.id]),
      })),
    };
  });
  const evaluator = input.evaluatorName ?? session.evaluatorId;
  return {
    summary: {
      sessionId: session.id,
      sessionName: session.name,
      type: session.type,
      status: input.status,
      completed: input.status === "Completed",
      archived: session.archived,
      interactionId: session.interaction.id,
      externalId: session.interaction.externalId,
      channel: session.interaction.channel,
      interactionStartedAt: session.interaction.startedAt,
      agent: input.agentName ?? session.agentId,
      evaluator: evaluator ?? null,
      createdAt: session.createdAt,
      dueDate: session.dueDate,
      completedAt: session.completedAt ?? null,
      lastEditedAt: session.lastEditedAt,
      generatedAt: input.generatedAt.toISOString(),
      version: session.version,
      sessionScore: round2OrNull(session.scores.session),
      forms,
    },
    rows: session.forms.flatMap((form) => formRows(form, session.answers[form.formId])),
  };
}

/** "2026-12-01 00:00 UTC": dates as printed in the PDF and CSV. */
export function formatDate(iso: string | null): string {
  if (iso === null) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
