// Shared steps of the action-item endpoints: visibility (404), the live session score for
// items that show it, and the API view.
import type { HttpResponseInit } from "@azure/functions";
import { canViewActionItem } from "../domain/action-items.js";
import type { Actor } from "../domain/access.js";
import { notFound } from "../domain/errors.js";
import type { ActionItem } from "../domain/model.js";
import { etagOf } from "../http/etag.js";
import type { Stored } from "../ports.js";
import { json } from "../registry.js";
import type { Services } from "../services.js";
import { actionItemView, type ActionItemView } from "./views.js";

export async function loadVisibleActionItem(
  services: Services,
  actor: Actor,
  id: string,
): Promise<Stored<ActionItem>> {
  const stored = await services.actionItems.get(actor.tenantId, id);
  if (!stored || !canViewActionItem(stored.doc, actor)) throw notFound("The action item");
  return stored;
}

/** The item as the API shows it: `score` (the session's current score) only when showScore. */
export async function viewWithScore(services: Services, item: ActionItem): Promise<ActionItemView> {
  if (!item.showScore) return actionItemView(item, undefined);
  const session = await services.sessions.get(item.tenantId, item.sessionId);
  return actionItemView(item, session?.doc.scores.session ?? null);
}

export async function actionItemResponse(
  services: Services,
  item: ActionItem,
  status = 200,
): Promise<HttpResponseInit> {
  return json(status, await viewWithScore(services, item), { etag: etagOf(item.revision) });
}
