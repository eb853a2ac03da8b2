import { z } from "zod";
import { roles, type Principal } from "../shared/http/auth.js";
import { httpFunction, json } from "../shared/registry.js";

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
  }),
  features: z.object({ defaultScores: z.boolean() }),
});

export function describeCaller(
  principal: Principal,
  defaultScores: boolean,
): z.infer<typeof meSchema> {
  const has = (role: (typeof roles)[number]) => principal.roles.has(role);
  const admin = has("QM.Administrator");
  return {
    tenantId: principal.tenantId,
    userId: principal.userId,
    name: principal.name,
    roles: [...principal.roles],
    can: {
      manageForms: admin,
      // Evaluators may create AdHoc sessions for themselves.
      createSessions: admin || has("QM.Evaluator"),
      archive: admin || has("QM.Archive"),
      ingestInteractions: admin || has("QM.Integration"),
    },
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
