// Scoring rate: scoreSession over a session of 5 forms × 40 questions, answered in full.
import { scoreSession } from "../shared/domain/scoring.js";
import { fixtureSession } from "../test/support/export-fixture.js";
import { ratePerSecond, type Measurement } from "./figures.js";

export const scoring: Measurement = {
  title: "scoring",
  about: "Whole-session scores per second (`scoreSession`) of a 5 × 40 session, answered in full.",
  async measure({ quick }) {
    const session = fixtureSession({ forms: 5, questionsPerForm: 40, allAnswered: true });
    const once = () => scoreSession(session.forms, session.answers);
    return { scoringPerSecond: await ratePerSecond(once, quick ? 3 : 7) };
  },
};
