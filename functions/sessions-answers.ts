import { z } from "zod";
import { sessionViewSchema } from "../shared/domain/access.js";
import { answersPatchSchema, validateAnswersPatch } from "../shared/domain/answers.js";
import { validationFailed } from "../shared/domain/errors.js";
import { saveAnswers } from "../shared/domain/session.js";
import {
  commitSession,
  loadVisibleSession,
  requireWorker,
  sessionResponse,
} from "../shared/app/session-flow.js";
import { assertRevision, requireIfMatch } from "../shared/http/etag.js";
import { httpFunction } from "../shared/registry.js";

const saveAnswersSchema = z.object({
  answers: answersPatchSchema,
  showScore: z.boolean().optional(),
});

export const sessionsAnswers = httpFunction({
  name: "sessionsAnswers",
  route: "sessions/{id}/answers",
  methods: ["PUT"],
  access: ["QM.Administrator", "QM.Evaluator"],
  summary:
    "Save answers (merge; null clears an answer, a null form clears the form); rescores a Completed session",
  tags: ["Sessions"],
  body: saveAnswersSchema,
  ifMatch: true,
  responses: [{ status: 200, description: "The session", schema: sessionViewSchema }],
  handler: async ({ principal, services, params, body, request, context }) => {
    const { stored } = await loadVisibleSession(services, principal, params.id);
    requireWorker(stored.doc, principal, "assigneeOrAdmin");
    const input = await body();
    const errors = validateAnswersPatch(stored.doc.forms, input.answers);
    if (errors.length > 0)
      throw validationFailed(errors, "Some answers do not fit the session's forms.");
    assertRevision(requireIfMatch(request), stored.doc.revision);
    const next = saveAnswers(
      stored.doc,
      principal,
      input.answers,
      input.showScore,
      services.clock.now(),
    );
    const saved = await commitSession(services, stored, next, context);
    return sessionResponse(services, saved.doc, principal);
  },
});
