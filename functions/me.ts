import { z } from "zod";
import { capabilities, roles, type Actor } from "../shared/domain/access.js";
import { json } from "../shared/http/responses.js";
import { httpFunction } from "../shared/registry.js";

export const meSchema = z.object({
  tenantId: z.string(),
  userId: z.string(),
  name: z.string(),
  roles: z.array(z.enum(roles)),
  can: z.object({
    manageForms: z.boolean(),
    createSessions: z.boolean(),
    archive: z.boolean(),
    ingestInteractions: z.boolean(),
    resolveDisputes: z.boolean(),
    manageCalibrations: z.boolean(),
    managePolicies: z.boolean(),
    viewAnalytics: z.boolean(),
  }),
  features: z.object({ defaultScores: z.boolean() }),
});

export function describeCaller(actor: Actor, defaultScores: boolean): z.infer<typeof meSchema> {
  return {
    tenantId: actor.tenantId,
    userId: actor.userId,
    name: actor.name,
    roles: [...actor.roles],
    can: capabilities(actor),
    features: { defaultScores },
  };
}

export const me = httpFunction({
  name: "me",
  route: "me",
  methods: ["GET"],
  access: "authenticated",
  summary: "The caller's identity, permissions and features",
  tags: ["Service"],
  responses: [{ status: 200, description: "The caller", schema: meSchema }],
  handler: ({ principal, services }) =>
    Promise.resolve(json(200, describeCaller(principal, services.config.FEATURE_DEFAULT_SCORES))),
});
