// Scoring throughput: scoreSession over a 5 forms × 40 questions session, answered in full.
import { fixtureSession } from "../test/support/export-fixture.js";
import { scoreSession } from "../shared/domain/scoring.js";
import { ratePerSecond, type Summary } from "./stats.js";

export async function measureScoring(runs: number): Promise<{ perSecond: Summary }> {
  const session = fixtureSession({ forms: 5, questionsPerForm: 40, allAnswered: true });
  const perSecond = await ratePerSecond(
    () => scoreSession(session.forms, session.answers).session,
    runs,
  );
  return { perSecond };
}
