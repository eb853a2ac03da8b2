// The form use cases: forms are the tenant's, readable by Administrators and Evaluators (the
// registry checks roles), and every write publishes a new version.
import { randomUUID } from "node:crypto";
import type { Actor } from "../domain/access.js";
import { notFound } from "../domain/errors.js";
import { newForm, reviseForm } from "../domain/forms.js";
import type { Form, FormInput } from "../domain/model.js";
import type { ChangeRequest, Parsed } from "../domain/requests.js";
import type { Page, PageRequest } from "../ports.js";
import type { Services } from "../services.js";

export async function createForm(
  services: Services,
  actor: Actor,
  input: Parsed<FormInput>,
): Promise<Form> {
  const form = newForm(actor, input, randomUUID(), services.clock.now());
  return (await services.forms.create(form)).doc;
}

export async function getForm(services: Services, actor: Actor, id: string): Promise<Form> {
  const stored = await services.forms.get(actor.tenantId, id);
  if (!stored) throw notFound("The form");
  return stored.doc;
}

export async function listForms(
  services: Services,
  actor: Actor,
  page: PageRequest,
): Promise<Page<Form>> {
  return services.forms.list(actor.tenantId, page);
}

export async function updateForm(
  services: Services,
  actor: Actor,
  id: string,
  request: ChangeRequest<FormInput>,
): Promise<Form> {
  const stored = await services.forms.get(actor.tenantId, id);
  if (!stored) throw notFound("The form");
  const next = reviseForm(stored.doc, actor, request, services.clock.now());
  return (await services.forms.replace(next, stored.etag)).doc;
}
