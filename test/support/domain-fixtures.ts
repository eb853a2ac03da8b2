// Hand-written fixtures shared by the domain's unit tests: API.md's example form, actors and a
// session factory. Test-only code.
import type { Actor } from "../../shared/domain/access.js";
import { createSession, type CreateSessionInput } from "../../shared/domain/session.js";
import type { FormSnapshot, InteractionRef, SessionDocument } from "../../shared/domain/model.js";

import { customerCareForm } from "../../dev/example-form.js";

/** The example form of API.md "Forms". */
export const customerCare = customerCareForm;

export const customerCareSnapshot: FormSnapshot = {
  formId: "care",
  version: 1,
  name: customerCare.name,
  groups: customerCare.groups,
};

const actor = (userId: string, ...roles: string[]): Actor => ({
  tenantId: "t1",
  userId,
  name: userId,
  roles: new Set(roles),
});

export const admin = actor("admin", "QM.Administrator");
export const alice = actor("alice", "QM.Evaluator");
export const bob = actor("bob", "QM.Evaluator");
export const agent = actor("agent1", "QM.Agent");
export const archiver = actor("keeper", "QM.Archive");
export const otherTenantAdmin: Actor = { ...admin, tenantId: "t2" };

export const interaction: InteractionRef = {
  id: "i1",
  externalId: "ext-1",
  agentId: "agent1",
  startedAt: "2026-11-01T10:00:00.000Z",
  durationSeconds: 300,
  channel: "voice",
  hasMedia: false,
};

export const T0 = new Date("2026-11-10T09:00:00.000Z");
export const DUE = "2026-12-01T00:00:00.000Z";
export const AFTER_DUE = new Date("2026-12-02T00:00:00.000Z");

export function newSession(overrides: Partial<CreateSessionInput> = {}): SessionDocument {
  return createSession(
    {
      id: "s1",
      tenantId: "t1",
      name: "Week 48",
      type: "Distributed",
      source: "criteria",
      criteria: { agentId: "agent1" },
      evaluatorId: "alice",
      interaction,
      dueDate: DUE,
      forms: [customerCareSnapshot],
      ...overrides,
    },
    admin,
    T0,
  );
}
