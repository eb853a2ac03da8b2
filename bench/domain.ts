// Pure domain work on a 5 × 40 session: scoring it, and parsing it back as the adapter does.
import { sessionDocumentSchema, storedSessionDocumentSchema } from "../shared/domain/model.js";
import { scoreSession } from "../shared/domain/scoring.js";
import { fixtureSession } from "../test/support/export-fixture.js";
import { ratePerSecond, timeEach, type Measurement } from "./figures.js";

const session = () => fixtureSession({ forms: 5, questionsPerForm: 40, allAnswered: true });

export const scoring: Measurement = {
  title: "scoring",
  about: "Whole-session scores per second (`scoreSession`) of a 5 × 40 session, answered in full.",
  async measure({ quick }) {
    const { forms, answers } = session();
    return {
      scoringPerSecond: await ratePerSecond(() => scoreSession(forms, answers), quick ? 3 : 7),
    };
  },
};

export const storedParse: Measurement = {
  title: "stored-session parse",
  about:
    "Time per parse of a stored 5 × 40 session (after `JSON.parse`) with the schema the Cosmos " +
    "adapter reads sessions with, `storedSessionDocumentSchema`, and with the full `sessionDocumentSchema`.",
  async measure({ quick }) {
    const stored: unknown = JSON.parse(JSON.stringify(session()));
    // Many single parses: each takes a fraction of a millisecond, and the median is robust.
    const ms = (schema: { parse: (value: unknown) => unknown }) =>
      timeEach(() => Promise.resolve(schema.parse(stored)), quick ? 300 : 1000, 100);
    return {
      storedSessionParseMs: await ms(storedSessionDocumentSchema),
      fullSessionParseMs: await ms(sessionDocumentSchema),
    };
  },
};
