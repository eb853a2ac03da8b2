// Scoring throughput: scoreSession over a 5 forms × 40 questions session, answered in full.
import { fixtureSession } from "../shared/exports/testing/fixture.js";
import { scoreSession } from "../shared/domain/scoring.js";
import { summarize, type Summary } from "./stats.js";

export async function measureScoring(runs: number): Promise<{ perSecond: Summary }> {
  const session = fixtureSession({ forms: 5, questionsPerForm: 40, allAnswered: true });
  let sink = 0;
  const once = () => {
    const scores = scoreSession(session.forms, session.answers);
    sink += scores.session ?? 0;
  };
  for (let i = 0; i < 500; i++) once(); // warm-up: let the JIT settle first
  const perSecond: number[] = [];
  for (let r = 0; r < runs; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 250) {
      for (let i = 0; i < 50; i++) once();
      n += 50;
    }
    perSecond.push(n / ((performance.now() - t0) / 1000));
    // Yield between runs so a timer-driven caller is not starved.
    await new Promise((done) => setImmediate(done));
  }
  if (Number.isNaN(sink))
    throw new Error("unreachable: keeps the scoring from being optimised away");
  return { perSecond: summarize(perSecond) };
}
