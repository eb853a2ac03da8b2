// Reading a session back: the zod parse the Cosmos adapter runs on a stored 5 × 40 session
// (storedSessionDocumentSchema), and the full sessionDocumentSchema for comparison.
import { sessionDocumentSchema, storedSessionDocumentSchema } from "../shared/domain/model.js";
import { fixtureSession } from "../test/support/export-fixture.js";
import { ratePerSecond, type Measurement, type Summary } from "./figures.js";

const msPer = ({ median, min, max, runs }: Summary): Summary => ({
  median: 1000 / median,
  min: 1000 / max,
  max: 1000 / min,
  runs,
});

export const storedParse: Measurement = {
  title: "stored-session parse",
  about:
    "Time per parse of a stored 5 × 40 session (after `JSON.parse`) with the schema the Cosmos " +
    "adapter reads sessions with, `storedSessionDocumentSchema`, and with the full `sessionDocumentSchema`.",
  async measure({ quick }) {
    const session = fixtureSession({ forms: 5, questionsPerForm: 40, allAnswered: true });
    const stored: unknown = JSON.parse(JSON.stringify(session));
    const runs = quick ? 3 : 7;
    const rate = (schema: { parse: (value: unknown) => unknown }) =>
      ratePerSecond(() => schema.parse(stored), runs);
    return {
      storedSessionParseMs: msPer(await rate(storedSessionDocumentSchema)),
      fullSessionParseMs: msPer(await rate(sessionDocumentSchema)),
    };
  },
};
