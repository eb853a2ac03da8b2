import { z } from "zod";
import { sessionViewSchema } from "../shared/domain/access.js";
import { isEligible, matchesCriteria } from "../shared/domain/eligibility.js";
import { AppError } from "../shared/domain/errors.js";
import { idSchema } from "../shared/domain/ids.js";
import type { Interaction } from "../shared/domain/model.js";
import { replaceInteraction } from "../shared/domain/session.js";
import { pickEligibleInteraction } from "../shared/app/interaction-picker.js";
import { interactionRefOf } from "../shared/app/views.js";
import {
  commitSession,
  loadVisibleSession,
  requireWorker,
  sessionResponse,
} from "../shared/app/session-flow.js";
import { assertRevision, requireIfMatch } from "../shared/http/etag.js";
import { httpFunction } from "../shared/registry.js";

const replaceSchema = z.object({ interactionId: idSchema.optional() }).default({});

const notEligible = () =>
  new AppError(
    "INTERACTION_NOT_ELIGIBLE",
    "That interaction is the current one, already used, or outside the criteria.",
  );

export const sessionsReplaceInteraction = httpFunction({
  name: "sessionsReplaceInteraction",
  route: "sessions/{id}/replace-interaction",
  methods: ["POST"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary: "Replace the interaction of a criteria-based session; resets every answer",
  tags: ["Sessions"],
  body: replaceSchema,
  ifMatch: true,
  responses: [
    { status: 200, description: "The session with its new interaction", schema: sessionViewSchema },
  ],
  handler: async ({ principal, services, params, body, request, context }) => {
    const { stored } = await loadVisibleSession(services, principal, params.id);
    const session = stored.doc;
    requireWorker(session, principal, "assigneeOrAdmin");
    const input = await body();
    assertRevision(requireIfMatch(request), session.revision);
    const now = services.clock.now();
    // The domain refuses by the session's own rules (409) before any interaction is looked up.
    replaceInteraction(session, principal, session.interaction, now, { dryRun: true });

    const criteria = session.criteria ?? {};
    let interaction: Interaction | undefined;
    if (input.interactionId !== undefined) {
      if (input.interactionId === session.interaction.id) throw notEligible();
      interaction = await services.interactions.get(principal.tenantId, input.interactionId);
      if (!interaction || !matchesCriteria(interaction, criteria)) throw notEligible();
      const holders = await services.sessions.holdersOf(principal.tenantId, interaction.id);
      if (!isEligible(interaction, holders, { excludeSessionId: session.id })) throw notEligible();
    } else {
      interaction = await pickEligibleInteraction(services, principal.tenantId, criteria, {
        excludeSessionId: session.id,
        skipInteractionId: session.interaction.id,
      });
      if (!interaction)
        throw new AppError(
          "NO_MATCHING_INTERACTION",
          "No other eligible interaction matches the criteria.",
        );
    }
    const next = replaceInteraction(session, principal, interactionRefOf(interaction), now);
    const saved = await commitSession(services, stored, next, context);
    return sessionResponse(services, saved.doc, principal);
  },
});
