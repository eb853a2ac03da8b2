// The API representations of forms, interactions, action items and exports: the stored
// documents without their internal fields (tenantId, revision, storage-only values).
import type { HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { exportFormatSchema } from "../../domain/exports.js";
import {
  actionItemSchema,
  formInputSchema,
  formSchema,
  interactionSchema,
  type ActionItem,
  type Form,
  type Interaction,
} from "../../domain/model.js";
import { json } from "../responses.js";

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), continuationToken: z.string().nullable() });
}

export const formViewSchema = formInputSchema
  .extend(
    formSchema.pick({
      id: true,
      version: true,
      createdAt: true,
      createdBy: true,
      updatedAt: true,
      updatedBy: true,
    }).shape,
  )
  .meta({ id: "Form" });
export type FormView = z.infer<typeof formViewSchema>;

export function formView(form: Form): FormView {
  const { tenantId: _tenantId, ...view } = form;
  return view;
}

export const interactionViewSchema = interactionSchema
  .omit({ tenantId: true, mediaContentType: true, createdAt: true, hold: true })
  .meta({ id: "Interaction" });
export type InteractionView = z.infer<typeof interactionViewSchema>;

export function interactionView(interaction: Interaction): InteractionView {
  const { tenantId: _t, mediaContentType: _m, createdAt: _c, hold: _h, ...view } = interaction;
  return view;
}

export const actionItemViewSchema = actionItemSchema
  .omit({ tenantId: true, revision: true })
  .extend({ score: z.number().nullable().optional() })
  .meta({ id: "ActionItem" });
export type ActionItemView = z.infer<typeof actionItemViewSchema>;

/** `score`: the one domain/action-items.ts scoreOnItem allows (undefined: none). */
export function actionItemView(item: ActionItem, score: number | null | undefined): ActionItemView {
  const { tenantId: _t, revision: _r, ...view } = item;
  return score !== undefined ? { ...view, score } : view;
}

/** An action item with the score it may show, its revision as the ETag. */
export function actionItemResponse(
  read: { item: ActionItem; score: number | null | undefined },
  status = 200,
): HttpResponseInit {
  return json(status, actionItemView(read.item, read.score), { revision: read.item.revision });
}

export const exportViewSchema = z
  .object({
    format: exportFormatSchema,
    fileName: z.string(),
    url: z.url(),
    expiresAt: z.string(),
    sizeBytes: z.number().int().min(0),
  })
  .meta({ id: "Export" });
