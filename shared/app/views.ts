// API representations of stored documents: internal fields (tenantId, revision, outbox) stay inside.
import { z } from "zod";
import {
  formInputSchema,
  formSchema,
  interactionSchema,
  actionItemSchema,
  type ActionItem,
  type Form,
  type Interaction,
  type InteractionRef,
} from "../domain/model.js";

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
  .omit({ tenantId: true, mediaContentType: true, createdAt: true })
  .meta({ id: "Interaction" });
export type InteractionView = z.infer<typeof interactionViewSchema>;

export function interactionView(interaction: Interaction): InteractionView {
  const { tenantId: _t, mediaContentType: _m, createdAt: _c, ...view } = interaction;
  return view;
}

export const actionItemViewSchema = actionItemSchema
  .omit({ tenantId: true, revision: true })
  .extend({ score: z.number().nullable().optional() })
  .meta({ id: "ActionItem" });
export type ActionItemView = z.infer<typeof actionItemViewSchema>;

/** `score` only when the item says showScore. */
export function actionItemView(
  item: ActionItem,
  sessionScore: number | null | undefined,
): ActionItemView {
  const { tenantId: _t, revision: _r, ...view } = item;
  return item.showScore && sessionScore !== undefined ? { ...view, score: sessionScore } : view;
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), continuationToken: z.string().nullable() });
}

/** What a session keeps of its interaction. */
export function interactionRefOf(interaction: Interaction): InteractionRef {
  const { id, externalId, agentId, startedAt, durationSeconds, channel, hasMedia } = interaction;
  return { id, externalId, agentId, startedAt, durationSeconds, channel, hasMedia };
}
