// The analytics responses (docs/api.md "Analytics"): their schemas, for the OpenAPI document,
// and the skill gaps as CSV. The use cases return these shapes as they are.
import type { HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import type { SkillGapRow } from "../../domain/analytics-reads.js";
import { utcMidnightSchema } from "../../domain/analytics-window.js";
import { neutralize, quote } from "../../exports/csv.js";

const othersSchema = z.object({ n: z.number().int(), mean: z.number().nullable() });

const questionStatsShape = {
  formId: z.string(),
  questionId: z.string(),
  text: z.string(),
  n: z.number().int(),
  mean: z.number(),
  others: othersSchema,
  gap: z.number().nullable(),
  pValue: z.number().nullable(),
};

export const agentProfileSchema = z
  .object({
    agentId: z.string(),
    from: z.string(),
    to: z.string(),
    asOf: z.string(),
    sessions: z.number().int(),
    score: z.object({ n: z.number().int(), mean: z.number().nullable() }),
    autofailRate: z.number().nullable(),
    forms: z.array(
      z.object({
        formId: z.string(),
        name: z.string(),
        sessions: z.number().int(),
        mean: z.number().nullable(),
        autofailRate: z.number().nullable(),
      }),
    ),
    questions: z.array(z.object(questionStatsShape)),
  })
  .meta({ id: "AgentProfile" });

export const skillGapsSchema = z
  .object({
    asOf: z.string(),
    items: z.array(
      z.object({ agentId: z.string(), ...questionStatsShape, qValue: z.number().nullable() }),
    ),
    continuationToken: z.string().nullable(),
  })
  .meta({ id: "SkillGaps" });

export const skillGapsCsvSchema = z.string().meta({
  description:
    "RFC 4180 CSV, header agentId,formId,questionId,text,n,mean,othersN,othersMean,gap,pValue",
});

export const trendSchema = z
  .object({
    asOf: z.string(),
    buckets: z.array(
      z.object({ start: z.string(), sessions: z.number().int(), mean: z.number().nullable() }),
    ),
  })
  .meta({ id: "Trend" });

export const skillGapsCsvHeader = [
  "agentId",
  "formId",
  "questionId",
  "text",
  "n",
  "mean",
  "othersN",
  "othersMean",
  "gap",
  "pValue",
] as const;

/** Numbers unrounded, null as an empty field; text cells guarded against formulas. */
export function skillGapsCsv(rows: readonly SkillGapRow[]): HttpResponseInit {
  const number = (value: number | null) => (value === null ? "" : String(value));
  const lines = [
    skillGapsCsvHeader.join(","),
    ...rows.map((row) =>
      [
        ...[row.agentId, row.formId, row.questionId, row.text].map(neutralize),
        number(row.n),
        number(row.mean),
        number(row.others.n),
        number(row.others.mean),
        number(row.gap),
        number(row.pValue),
      ]
        .map(quote)
        .join(","),
    ),
  ];
  return {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="skill-gaps.csv"',
    },
    body: `${lines.join("\r\n")}\r\n`,
  };
}

/** `from` and `to` of every analytics read (the domain resolves defaults and limits). */
export const windowQuery = z.object({
  from: utcMidnightSchema
    .optional()
    .meta({ description: "A UTC midnight (YYYY-MM-DD or 00:00Z), inclusive" }),
  to: utcMidnightSchema
    .optional()
    .meta({ description: "A UTC midnight (YYYY-MM-DD or 00:00Z), exclusive" }),
});
