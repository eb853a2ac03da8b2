import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isAdmin, sessionForViewer, sessionViewSchema } from "../shared/domain/access.js";
import { manualInteractionConflict } from "../shared/domain/eligibility.js";
import { AppError, validationFailed, type FieldError } from "../shared/domain/errors.js";
import { snapshotOf } from "../shared/domain/forms.js";
import { idSchema } from "../shared/domain/ids.js";
import {
  criteriaSchema,
  isoDateTime,
  sessionTypes,
  type FormSnapshot,
  type Interaction,
} from "../shared/domain/model.js";
import { createSession } from "../shared/domain/session.js";
import { pickEligibleInteraction } from "../shared/app/interaction-picker.js";
import { interactionRefOf } from "../shared/app/views.js";
import { etagOf } from "../shared/http/etag.js";
import { httpFunction, json } from "../shared/registry.js";

export const createSessionSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    type: z.enum(sessionTypes),
    formIds: z
      .array(idSchema)
      .min(1)
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, "must not repeat a form"),
    evaluatorId: idSchema.optional(),
    calibrationId: idSchema.optional(),
    dueDate: isoDateTime,
    interaction: z.discriminatedUnion("mode", [
      z.object({ mode: z.literal("manual"), interactionId: idSchema }),
      z.object({ mode: z.literal("criteria"), criteria: criteriaSchema }),
    ]),
  })
  .superRefine((input, ctx) => {
    const needsEvaluator = input.type !== "Shared";
    if (needsEvaluator && !input.evaluatorId) {
      ctx.addIssue({
        code: "custom",
        path: ["evaluatorId"],
        message: `is required for ${input.type} sessions`,
      });
    }
    if (!needsEvaluator && input.evaluatorId) {
      ctx.addIssue({
        code: "custom",
        path: ["evaluatorId"],
        message: "must be absent: Shared sessions start Unassigned",
      });
    }
    if (input.type === "Calibration" && !input.calibrationId) {
      ctx.addIssue({
        code: "custom",
        path: ["calibrationId"],
        message: "is required for Calibration sessions",
      });
    }
    if (input.type !== "Calibration" && input.calibrationId) {
      ctx.addIssue({
        code: "custom",
        path: ["calibrationId"],
        message: "is only for Calibration sessions",
      });
    }
  });

export const sessionsCreate = httpFunction({
  name: "sessionsCreate",
  route: "sessions",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Create an evaluation session (Evaluators: AdHoc sessions for themselves only)",
  tags: ["Sessions"],
  body: createSessionSchema,
  responses: [{ status: 201, description: "The session", schema: sessionViewSchema }],
  handler: async ({ principal, services, body }) => {
    const input = await body();
    if (
      !isAdmin(principal) &&
      !(input.type === "AdHoc" && input.evaluatorId === principal.userId)
    ) {
      throw new AppError("FORBIDDEN", "Evaluators may only create AdHoc sessions for themselves.");
    }
    const tenantId = principal.tenantId;

    const forms: FormSnapshot[] = [];
    const missing: FieldError[] = [];
    for (const [i, formId] of input.formIds.entries()) {
      const stored = await services.forms.get(tenantId, formId);
      if (stored) forms.push(snapshotOf(stored.doc));
      else missing.push({ path: `formIds.${i}`, message: "no such form" });
    }
    if (missing.length > 0) throw validationFailed(missing);

    if (input.type === "Calibration") {
      const duplicates = await services.sessions.list(
        tenantId,
        {
          calibrationId: input.calibrationId,
          evaluatorId: input.evaluatorId,
          archived: "all",
          now: services.clock.now().toISOString(),
        },
        { limit: 1 },
      );
      if (duplicates.items.length > 0) {
        throw new AppError(
          "CALIBRATION_DUPLICATE",
          "This evaluator already has a session of this calibration.",
        );
      }
    }

    let interaction: Interaction | undefined;
    const calibration = input.calibrationId ? { calibrationId: input.calibrationId } : {};
    if (input.interaction.mode === "manual") {
      interaction = await services.interactions.get(tenantId, input.interaction.interactionId);
      if (!interaction) {
        throw validationFailed([
          { path: "interaction.interactionId", message: "no such interaction" },
        ]);
      }
      const holders = await services.sessions.holdersOf(tenantId, interaction.id);
      const conflict = manualInteractionConflict(interaction, holders, input.calibrationId);
      if (conflict === "INTERACTION_ALREADY_EVALUATED") {
        throw new AppError(conflict, "This interaction has already been evaluated.");
      }
      if (conflict === "INTERACTION_IN_USE") {
        throw new AppError(conflict, "Another open session holds this interaction.");
      }
    } else {
      interaction = await pickEligibleInteraction(
        services,
        tenantId,
        input.interaction.criteria,
        calibration,
      );
      if (!interaction)
        throw new AppError(
          "NO_MATCHING_INTERACTION",
          "No eligible interaction matches the criteria.",
        );
    }

    const session = createSession(
      {
        id: randomUUID(),
        tenantId,
        name: input.name,
        type: input.type,
        source: input.interaction.mode,
        ...(input.interaction.mode === "criteria" ? { criteria: input.interaction.criteria } : {}),
        ...calibration,
        evaluatorId: input.evaluatorId ?? null,
        interaction: interactionRefOf(interaction),
        dueDate: input.dueDate,
        forms,
      },
      principal,
      services.clock.now(),
    );
    const stored = await services.sessions.create(session);
    return json(201, sessionForViewer(stored.doc, principal, false, services.clock.now()), {
      etag: etagOf(stored.doc.revision),
      headers: { Location: `/api/sessions/${session.id}` },
    });
  },
});
