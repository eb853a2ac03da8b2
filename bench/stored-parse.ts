// What reading a session back costs the Cosmos adapter on top of JSON.parse: the zod parse of
// a stored 5 forms × 40 questions session, with the lighter schema the adapter uses and, for
// comparison, with the full document schema.
import { sessionDocumentSchema, storedSessionDocumentSchema } from "../shared/domain/model.js";
import { fixtureSession } from "../test/support/export-fixture.js";
import { ratePerSecond, type Summary } from "./stats.js";

export interface StoredParseResult {
  /** ms per parse with storedSessionDocumentSchema (what the adapter runs). */
  storedMs: Summary;
  /** ms per parse with the full sessionDocumentSchema. */
  fullMs: Summary;
  bytes: number;
}

const msPer = (perSecond: Summary): Summary => ({
  median: 1000 / perSecond.median,
  min: 1000 / perSecond.max,
  max: 1000 / perSecond.min,
  runs: perSecond.runs,
});

export async function measureStoredParse(runs: number): Promise<StoredParseResult> {
  const text = JSON.stringify(
    fixtureSession({ forms: 5, questionsPerForm: 40, allAnswered: true }),
  );
  const stored: unknown = JSON.parse(text);
  return {
    storedMs: msPer(await ratePerSecond(() => storedSessionDocumentSchema.parse(stored), runs)),
    fullMs: msPer(await ratePerSecond(() => sessionDocumentSchema.parse(stored), runs)),
    bytes: text.length,
  };
}
