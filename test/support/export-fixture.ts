// Test helper: a realistic stored session (N forms × M questions, every question type, N/A,
// an autofail, accented and formula-looking comments) with its scores filled in, for the
// export renderers' tests and the benchmark. Not used by production code.
import type {
  Answer,
  AnswerOption,
  Answers,
  FormScore,
  FormSnapshot,
  Group,
  Question,
  QuestionType,
  SessionDocument,
  StoredState,
} from "../../shared/domain/model.js";

export interface FixtureOptions {
  forms?: number;
  questionsPerForm?: number;
  state?: StoredState;
  /** Choose an autofail answer in the second form (or the only one). Default true. */
  autofail?: boolean;
  /** Leave every fifth scored question unanswered when false. Default true. */
  allAnswered?: boolean;
  name?: string;
  id?: string;
}

/** Form names that stress sheet-name rules: forbidden characters, length, duplicates. */
const formNames = [
  "Customer Care: Call / Quality [v2]",
  "Compliance — Données personnelles et sécurité",
  "Customer Care: Call / Quality [v2]",
  "Soft skills",
  "A very long evaluation form name that exceeds thirty-one characters",
];

/** Comments, some of which would be formulas if a spreadsheet trusted them. */
export const fixtureComments = [
  "Très bien, café offert — résumé clair",
  "=SUM(A1)",
  '+1 "call back" tomorrow, then close',
  "-2 minutes over the target",
  "@supervisor please review\r\nsecond line",
  "Naïve señor Zoë: ça va",
];

const typeCycle: readonly QuestionType[] = ["yesNo", "singleChoice", "multiChoice", "text"];

function optionsFor(type: QuestionType): AnswerOption[] {
  switch (type) {
    case "yesNo":
      return [
        { id: "yes", label: "Yes", score: 100 },
        { id: "no", label: "No", score: 0 },
      ];
    case "singleChoice":
      return [
        { id: "excellent", label: "Excellent", score: 100 },
        { id: "good", label: "Good", score: 75 },
        { id: "poor", label: "Poor", score: 25.5 },
      ];
    case "multiChoice":
      return [
        { id: "empathy", label: "Empathy", score: 50 },
        { id: "clarity", label: "Clarity", score: 30 },
        { id: "ownership", label: "Ownership", score: 40 },
        { id: "rude", label: "Rude to customer", score: 0, autofail: true },
      ];
    case "text":
      return [];
  }
}

/** Splits 100 over `n` items in whole numbers, the remainder on the last one. */
function split100(n: number): number[] {
  if (n === 0) return [];
  const base = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? 100 - base * (n - 1) : base));
}

function buildForm(f: number, questions: number): FormSnapshot {
  const formId = `form-${f + 1}`;
  const groupCount = questions >= 4 ? 2 : 1;
  const groups: Group[] = [];
  let q = 0;
  for (let g = 0; g < groupCount; g++) {
    const size = g === groupCount - 1 ? questions - q : Math.floor(questions / groupCount);
    const qs: Question[] = [];
    for (let i = 0; i < size; i++, q++) {
      const type = typeCycle[q % typeCycle.length] ?? "yesNo";
      qs.push({
        id: `q${q + 1}`,
        text: `F${f + 1}-Q${String(q + 1).padStart(2, "0")} ${questionLabel(type)}`,
        type,
        required: q % 3 !== 2,
        weight: 0,
        naAllowed: type !== "text" && q % 2 === 0,
        answers: optionsFor(type),
      });
    }
    const scored = qs.filter((x) => x.type !== "text");
    const weights = split100(scored.length);
    scored.forEach((x, i) => (x.weight = weights[i] ?? 0));
    groups.push({
      id: `g${g + 1}`,
      name: g === 0 ? "Opening" : "Résolution",
      weight: 0,
      questions: qs,
    });
  }
  const scoredGroups = groups.filter((g) => g.questions.some((x) => x.type !== "text"));
  const gw = scoredGroups.length === 2 ? [40, 60] : split100(scoredGroups.length);
  scoredGroups.forEach((g, i) => (g.weight = gw[i] ?? 0));
  return { formId, version: f + 1, name: formNames[f % formNames.length] ?? "Form", groups };
}

function questionLabel(type: QuestionType): string {
  switch (type) {
    case "yesNo":
      return "Greeting used";
    case "singleChoice":
      return "Tone of voice";
    case "multiChoice":
      return "Behaviours shown";
    case "text":
      return "Coach notes";
  }
}

function answerFor(
  question: Question,
  index: number,
  textIndex: number,
  autofailHere: boolean,
  allAnswered: boolean,
): Answer | undefined {
  if (question.type === "text") {
    return { text: fixtureComments[textIndex % fixtureComments.length] ?? "" };
  }
  if (!allAnswered && index % 5 === 4) return undefined;
  if (question.naAllowed && index % 6 === 4) return { na: true };
  switch (question.type) {
    case "yesNo":
      return { answerIds: [index % 4 === 0 ? "yes" : "no"] };
    case "singleChoice":
      return { answerIds: [["excellent", "good", "poor"][index % 3] ?? "good"] };
    case "multiChoice":
      if (autofailHere) return { answerIds: ["clarity", "rude"] };
      // Alternates under and over 100 so the cap shows.
      return {
        answerIds:
          Math.floor(index / 4) % 2 === 0
            ? ["empathy", "clarity", "ownership"]
            : ["empathy", "clarity"],
      };
  }
}

/** The scoring rule of docs/scoring.md, restated here so the fixture's stored scores are right. */
export function fixtureScore(form: FormSnapshot, answers: Record<string, Answer>): FormScore {
  let autofailed = false;
  const groupScores: Record<string, number | null> = {};
  let num = 0;
  let den = 0;
  for (const group of form.groups) {
    let gNum = 0;
    let gDen = 0;
    for (const q of group.questions) {
      const a = answers[q.id];
      if (q.type === "text" || !a || !("answerIds" in a)) continue;
      const chosen = q.answers.filter((o) => a.answerIds.includes(o.id));
      if (chosen.some((o) => o.autofail === true)) autofailed = true;
      const s = Math.min(
        100,
        chosen.reduce((t, o) => t + o.score, 0),
      );
      gNum += q.weight * s;
      gDen += q.weight;
    }
    const gs = gDen > 0 ? gNum / gDen : null;
    groupScores[group.id] = gs;
    if (gs !== null) {
      num += group.weight * gs;
      den += group.weight;
    }
  }
  const score = den > 0 ? num / den : null;
  return { score: autofailed && score !== null ? 0 : score, autofailed, groups: groupScores };
}

export function fixtureSession(options: FixtureOptions = {}): SessionDocument {
  const formCount = options.forms ?? 2;
  const perForm = options.questionsPerForm ?? 8;
  const state = options.state ?? "Completed";
  const autofailForm = options.autofail === false ? -1 : Math.min(1, formCount - 1);
  const forms = Array.from({ length: formCount }, (_, f) => buildForm(f, perForm));

  const answers: Answers = {};
  let textIndex = 0;
  const formScores: Record<string, FormScore> = {};
  forms.forEach((form, f) => {
    const formAnswers: Record<string, Answer> = {};
    let index = 0;
    let autofailPending = f === autofailForm;
    for (const group of form.groups) {
      for (const q of group.questions) {
        const autofailHere = autofailPending && q.type === "multiChoice";
        if (autofailHere) autofailPending = false;
        const a = answerFor(
          q,
          index,
          q.type === "text" ? textIndex++ : textIndex,
          autofailHere,
          options.allAnswered !== false,
        );
        if (a) formAnswers[q.id] = a;
        index++;
      }
    }
    answers[form.formId] = formAnswers;
    formScores[form.formId] = fixtureScore(form, formAnswers);
  });
  const nonNull = Object.values(formScores)
    .map((s) => s.score)
    .filter((s): s is number => s !== null);
  const sessionScore = nonNull.length ? nonNull.reduce((t, s) => t + s, 0) / nonNull.length : null;

  const completed = state === "Completed";
  return {
    id: options.id ?? "sess-7f3a9c",
    tenantId: "tenant-a",
    name: options.name ?? "Week 48 – Alice / Zoë (review)",
    type: "Distributed",
    source: "manual",
    state,
    archived: false,
    evaluatorId: state === "Unassigned" ? null : "alice",
    agentId: "agent-bob",
    interaction: {
      id: "int-0042",
      externalId: "EXT-2026-11-0042",
      agentId: "agent-bob",
      startedAt: "2026-11-20T09:15:00.000Z",
      durationSeconds: 754,
      channel: "voice",
      hasMedia: true,
    },
    dueDate: "2026-12-01T00:00:00.000Z",
    defaultScores: false,
    showScore: true,
    forms,
    answers,
    scores: { session: sessionScore, forms: formScores },
    createdAt: "2026-11-21T08:00:00.000Z",
    createdBy: "admin-1",
    lastEditedAt: "2026-11-24T16:30:00.000Z",
    lastEditedBy: "alice",
    ...(completed ? { completedAt: "2026-11-24T16:30:00.000Z", completedBy: "alice" } : {}),
    version: completed ? 1 : null,
    revision: 3,
    pendingEvents: [],
    pendingHistory: [],
    pendingVersions: [],
    disputes: [],
    hasPendingEvents: false,
  };
}
