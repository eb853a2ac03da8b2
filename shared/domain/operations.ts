// Long work as an operation (docs/api.md "Policies"): a policy run answers 202 with the
// operation's id, runs in the background, and records its progress in the operation, so that a
// run cut short by a crash or a redeployment is continued by the timer.
import { z } from "zod";
import { idSchema } from "./ids.js";
import { isoDateTime } from "./model.js";
import { operationStatuses, shortfallSchema, type LastRun, type Shortfall } from "./policies.js";

export const operationSchema = z.object({
  id: idSchema,
  tenantId: z.string(),
  kind: z.literal("policyRun"),
  policyId: idSchema,
  /** Any instant of the run's period (the request's periodStart, or when it was made). */
  periodStart: isoDateTime,
  status: z.enum(operationStatuses),
  progress: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }),
  /** The sessions this run created so far. */
  created: z.array(z.string()),
  /** The slots it is creating now: on a resume, those that exist were created by it. */
  inFlight: z.array(z.string()),
  shortfall: z.array(shortfallSchema),
  error: z.object({ code: z.string(), detail: z.string() }).optional(),
  createdAt: isoDateTime,
  createdBy: z.string(),
  /** Written with every step: a Running run whose last step is this old was cut short. */
  updatedAt: isoDateTime,
  attempts: z.number().int().min(1),
});
export type Operation = z.output<typeof operationSchema>;

/** A Running run that wrote nothing for this long is taken to be dead and is continued. */
export const STALE_RUN_MS = 10 * 60_000;

export function newRunOperation(
  id: string,
  tenantId: string,
  policyId: string,
  periodStart: string,
  by: string,
  now: Date,
): Operation {
  const at = now.toISOString();
  return {
    id,
    tenantId,
    kind: "policyRun",
    policyId,
    periodStart,
    status: "Running",
    progress: { done: 0, total: 0 },
    created: [],
    inFlight: [],
    shortfall: [],
    createdAt: at,
    createdBy: by,
    updatedAt: at,
    attempts: 1,
  };
}

export const isStale = (op: Pick<Operation, "status" | "updatedAt">, now: Date): boolean =>
  op.status === "Running" && now.getTime() - Date.parse(op.updatedAt) >= STALE_RUN_MS;

/** The run finished: its result is what it created and what it could not. */
export function finished(
  op: Operation,
  now: Date,
  shortfall: readonly Shortfall[],
  error?: { code: string; detail: string },
): Operation {
  return {
    ...op,
    status: error ? "Failed" : "Succeeded",
    inFlight: [],
    shortfall: [...shortfall],
    ...(error ? { error } : {}),
    updatedAt: now.toISOString(),
  };
}

export const lastRunOf = (op: Operation): LastRun => ({
  operationId: op.id,
  at: op.createdAt,
  status: op.status,
  created: op.created.length,
});

/**
 * Whether a run's lastRun may replace the one a policy shows: the same run's newer state, or
 * a run started no earlier (two runs finishing out of order leave the newest shown).
 */
export const supersedes = (next: LastRun, shown: LastRun | undefined): boolean =>
  shown === undefined || shown.operationId === next.operationId || shown.at <= next.at;
