import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Actor } from "./access.js";
import type { AnswersPatch } from "./answers.js";
import { AppError } from "./errors.js";
import { eventTypes } from "./events.js";
import {
  sessionDocumentSchema,
  storedSessionDocumentSchema,
  type SessionDocument,
} from "./model.js";
import { missingRequired, scoreSession } from "./scoring.js";
import { outboxSize } from "./outbox.js";
import { parsed } from "./requests.js";
import {
  archive,
  archiveCheck,
  displayStatus,
  planSession,
  type CreateSessionInput,
} from "./session.js";
import * as rules from "./session.js";
import { allQuestions, arbitraryAnswerFor } from "../../test/support/arbitraries.js";
import {
  AFTER_DUE,
  DUE,
  T0,
  admin,
  agent,
  alice,
  archiver,
  bob,
  customerCareSnapshot,
  interaction,
  newSession,
  assign,
  change,
  claim,
  complete,
  replaceInteraction,
  saveAnswers,
  setDefaultScores,
  snapshotOf,
} from "../../test/support/domain-fixtures.js";

const full: AnswersPatch = {
  care: {
    greet: { answerIds: ["yes"] },
    verify: { answerIds: ["full"] },
    resolved: { answerIds: ["no"] },
  },
};
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return undefined;
}

const completed = () =>
  complete(saveAnswers(newSession(), alice, full, undefined, later(1)), alice, undefined, later(2));

describe("createSession", () => {
  it("starts a Distributed session Pending at revision 1 with empty answers and their scores", () => {
    const doc = newSession();
    expect(sessionDocumentSchema.parse(doc)).toEqual(doc);
    expect(doc).toMatchObject({
      state: "Pending",
      evaluatorId: "alice",
      agentId: "agent1",
      revision: 1,
      answers: {},
      archived: false,
      pendingEvents: [],
      pendingHistory: [
        { revision: 1, at: T0.toISOString(), by: "admin", action: "created", changes: [] },
      ],
      version: null,
      hasPendingEvents: true,
      createdBy: "admin",
      lastEditedBy: "admin",
      lastEditedAt: T0.toISOString(),
    });
    expect(doc.scores).toEqual(scoreSession([customerCareSnapshot], {}));
  });
  it("starts a Shared session Unassigned without an evaluator", () => {
    expect(newSession({ type: "Shared", evaluatorId: null })).toMatchObject({
      state: "Unassigned",
      evaluatorId: null,
    });
  });
  it("lets an Evaluator create only an AdHoc session for itself", () => {
    const base: CreateSessionInput = {
      name: "Mine",
      type: "AdHoc",
      formIds: ["care"],
      evaluatorId: "alice",
      dueDate: DUE,
      interaction: { mode: "manual", interactionId: "i1" },
    };
    const plan = (actor: Actor, overrides: Partial<CreateSessionInput>) =>
      codeOf(() => planSession(actor, parsed({ ...base, ...overrides })));
    expect(plan(alice, {})).toBeUndefined();
    expect(plan(alice, { evaluatorId: "bob" })).toBe("FORBIDDEN");
    expect(plan(alice, { type: "Distributed" })).toBe("FORBIDDEN");
    expect(plan(admin, { type: "Distributed", evaluatorId: "bob" })).toBeUndefined();
  });
  it("rejects inconsistent inputs with 400 paths, before asking who may create", () => {
    const paths = (overrides: Partial<CreateSessionInput>) => {
      const input: CreateSessionInput = {
        name: "x",
        type: "Distributed",
        formIds: ["care"],
        evaluatorId: "alice",
        dueDate: DUE,
        interaction: { mode: "criteria", criteria: {} },
        ...overrides,
      };
      try {
        planSession(alice, parsed(input));
      } catch (error) {
        if (error instanceof AppError) return error.errors?.map((e) => e.path) ?? error.code;
      }
      return [];
    };
    expect(paths({ type: "Shared" })).toEqual(["evaluatorId"]);
    expect(paths({ evaluatorId: undefined })).toEqual(["evaluatorId"]);
    expect(paths({ type: "Calibration" })).toEqual(["calibrationId"]);
    expect(paths({ calibrationId: "c1" })).toEqual(["calibrationId"]);
    expect(paths({})).toBe("FORBIDDEN");
  });
  it("raises a body that failed to parse as it was parsed", () => {
    const failed = { ok: false as const, error: new AppError("VALIDATION_FAILED", "bad") };
    expect(codeOf(() => planSession(admin, failed))).toBe("VALIDATION_FAILED");
  });
});

describe("displayStatus", () => {
  it("shows Expired for a session not completed past its due date, Completed stays", () => {
    expect(displayStatus(newSession(), T0)).toBe("Pending");
    expect(displayStatus(newSession(), AFTER_DUE)).toBe("Expired");
    expect(displayStatus(completed(), AFTER_DUE)).toBe("Completed");
  });
});

describe("claim and assign", () => {
  const shared = () => newSession({ type: "Shared", evaluatorId: null });
  it("an Evaluator claims an Unassigned session, even an expired one", () => {
    expect(claim(shared(), bob, AFTER_DUE)).toMatchObject({
      state: "Pending",
      evaluatorId: "bob",
      revision: 2,
      lastEditedBy: "bob",
      lastEditedAt: AFTER_DUE.toISOString(),
    });
  });
  it("claiming a session that is not Unassigned → ALREADY_ASSIGNED", () => {
    expect(codeOf(() => claim(newSession(), bob, T0))).toBe("ALREADY_ASSIGNED");
  });
  it("an Admin reassigns; not an Evaluator; not a Completed or archived session", () => {
    expect(assign(shared(), admin, "bob", T0)).toMatchObject({
      state: "Pending",
      evaluatorId: "bob",
    });
    // An Evaluator naming someone else sends a body only an Administrator may send.
    expect(codeOf(() => assign(newSession(), alice, "bob", T0))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => assign(completed(), admin, "bob", T0))).toBe("ALREADY_COMPLETED");
    const archived = archive(completed(), admin, later(3));
    expect(codeOf(() => assign(archived, admin, "bob", later(4)))).toBe("SESSION_ARCHIVED");
    expect(codeOf(() => claim(archived, bob, later(4)))).toBe("SESSION_ARCHIVED");
  });
});

describe("saveAnswers", () => {
  it("moves Pending to InProgress, rescores and records the editor", () => {
    const doc = saveAnswers(newSession(), alice, full, true, later(1));
    expect(doc).toMatchObject({
      state: "InProgress",
      revision: 2,
      showScore: true,
      lastEditedBy: "alice",
    });
    expect(doc.scores.session).toBe(40);
  });
  it("lets an Admin save and refuses another Evaluator (403)", () => {
    expect(saveAnswers(newSession(), admin, full, undefined, T0).lastEditedBy).toBe("admin");
    expect(codeOf(() => saveAnswers(newSession(), bob, full, undefined, T0))).toBe("FORBIDDEN");
  });
  it("Unassigned → NOT_ASSIGNED for any Evaluator; a bad patch is 400 first", () => {
    const shared = newSession({ type: "Shared", evaluatorId: null });
    expect(codeOf(() => saveAnswers(shared, bob, full, undefined, T0))).toBe("NOT_ASSIGNED");
    expect(codeOf(() => saveAnswers(shared, bob, { nope: null }, undefined, T0))).toBe(
      "VALIDATION_FAILED",
    );
  });
  it("is still allowed after the due date", () => {
    expect(saveAnswers(newSession(), alice, full, undefined, AFTER_DUE).state).toBe("InProgress");
  });
  it("on a Completed session rescores and emits rescored with the previous score", () => {
    const done = completed();
    const edited = saveAnswers(
      done,
      alice,
      { care: { resolved: { answerIds: ["yes"] } } },
      undefined,
      later(5),
    );
    expect(edited.state).toBe("Completed");
    expect(edited.scores.session).toBe(100);
    const event = edited.pendingEvents.at(-1)!;
    expect(event).toMatchObject({
      id: `s1.rescored.${edited.revision}`,
      type: eventTypes.rescored,
      data: { previousScore: 40, score: 100, editedBy: "alice", editedAt: later(5).toISOString() },
    });
    expect(edited.hasPendingEvents).toBe(true);
  });
  it("on a Completed session, saving the same answers emits nothing", () => {
    const done = completed();
    const again = saveAnswers(done, alice, full, undefined, later(5));
    expect(again.pendingEvents).toEqual(done.pendingEvents);
  });
  it("on a Completed session, the same choices in another order make no version", () => {
    const multi = snapshotOf("multi", [
      {
        id: "m",
        text: "Which?",
        type: "multiChoice",
        required: true,
        weight: 100,
        naAllowed: false,
        answers: [
          { id: "a", label: "A", score: 50 },
          { id: "b", label: "B", score: 30 },
        ],
      },
    ]);
    const answered = saveAnswers(
      newSession({ forms: [multi] }),
      alice,
      { multi: { m: { answerIds: ["a", "b"] } } },
      undefined,
      later(1),
    );
    const done = complete(answered, alice, undefined, later(2));
    const again = saveAnswers(
      done,
      alice,
      { multi: { m: { answerIds: ["b", "a"] } } },
      undefined,
      later(3),
    );
    expect(again.version).toBe(done.version);
    expect(again.pendingEvents).toEqual(done.pendingEvents);
    expect(again.answers).toEqual(done.answers);
  });
  it("on a Completed session, leaving a required question unanswered → 422 naming it", () => {
    let error: unknown;
    try {
      saveAnswers(completed(), alice, { care: { greet: null } }, undefined, later(5));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "REQUIRED_QUESTIONS_UNANSWERED",
      errors: [{ path: "answers.care.greet" }],
    });
  });
});

describe("complete", () => {
  it("completes with completedAt/By and a pending completed event carrying notifyAgent", () => {
    const notify = { dueDate: DUE, summary: "Well done", showScore: true };
    const doc = complete(
      saveAnswers(newSession(), alice, full, undefined, later(1)),
      alice,
      notify,
      later(2),
    );
    expect(doc).toMatchObject({
      state: "Completed",
      completedAt: later(2).toISOString(),
      completedBy: "alice",
      revision: 3,
      hasPendingEvents: true,
    });
    expect(doc.pendingEvents).toEqual([
      expect.objectContaining({
        id: "s1.completed.3",
        type: eventTypes.completed,
        subject: "s1",
        source: "/tenants/t1/evaluation-sessions",
        data: expect.objectContaining({ notifyAgent: notify, score: 40, evaluatorId: "alice" }),
      }),
    ]);
  });
  it("checks in docs/api.md's order", () => {
    const done = completed();
    const archivedDone = archive(done, admin, later(3));
    expect(codeOf(() => complete(archivedDone, alice, undefined, later(4)))).toBe(
      "ALREADY_COMPLETED",
    );
    const shared = newSession({ type: "Shared", evaluatorId: null });
    expect(codeOf(() => complete(shared, bob, undefined, AFTER_DUE))).toBe("NOT_ASSIGNED");
    const expiredArchived = archive(newSession(), admin, AFTER_DUE);
    expect(codeOf(() => complete(expiredArchived, alice, undefined, AFTER_DUE))).toBe(
      "SESSION_ARCHIVED",
    );
    expect(codeOf(() => complete(newSession(), alice, undefined, AFTER_DUE))).toBe(
      "DUE_DATE_PASSED",
    );
    expect(codeOf(() => complete(newSession(), alice, undefined, T0))).toBe(
      "REQUIRED_QUESTIONS_UNANSWERED",
    );
  });
  it("only the assignee completes (an Admin who is not the assignee gets 403)", () => {
    const ready = saveAnswers(newSession(), alice, full, undefined, later(1));
    expect(codeOf(() => complete(ready, admin, undefined, later(2)))).toBe("FORBIDDEN");
  });
});

describe("replaceInteraction", () => {
  const next = { ...interaction, id: "i2", externalId: "ext-2" };
  it("resets every answer and turns default scores off", () => {
    const worked = setDefaultScores(newSession(), alice, true, later(1));
    const doc = replaceInteraction(worked, alice, next, later(2));
    expect(doc).toMatchObject({
      answers: {},
      defaultScores: false,
      interaction: next,
      revision: 3,
    });
    expect(doc.scores).toEqual(scoreSession(doc.forms, {}));
  });
  it("refuses manual, Calibration, AdHoc and Completed sessions", () => {
    expect(
      codeOf(() => replaceInteraction(newSession({ source: "manual" }), alice, next, T0)),
    ).toBe("REPLACE_NOT_ALLOWED");
    expect(codeOf(() => replaceInteraction(newSession({ type: "AdHoc" }), alice, next, T0))).toBe(
      "REPLACE_NOT_ALLOWED",
    );
    expect(
      codeOf(() =>
        replaceInteraction(
          newSession({ type: "Calibration", calibrationId: "c1" }),
          alice,
          next,
          T0,
        ),
      ),
    ).toBe("REPLACE_NOT_ALLOWED");
    expect(codeOf(() => replaceInteraction(completed(), alice, next, later(3)))).toBe(
      "REPLACE_NOT_ALLOWED",
    );
  });
  it("Unassigned → NOT_ASSIGNED; the same or a non-matching interaction → INTERACTION_NOT_ELIGIBLE", () => {
    const shared = newSession({ type: "Shared", evaluatorId: null });
    expect(codeOf(() => replaceInteraction(shared, bob, next, T0))).toBe("NOT_ASSIGNED");
    expect(codeOf(() => replaceInteraction(newSession(), alice, interaction, T0))).toBe(
      "INTERACTION_NOT_ELIGIBLE",
    );
    const otherAgent = { ...next, agentId: "agent2" };
    expect(codeOf(() => replaceInteraction(newSession(), alice, otherAgent, T0))).toBe(
      "INTERACTION_NOT_ELIGIBLE",
    );
  });
  it("checks who may and the state before any interaction is looked up", () => {
    const doc = newSession();
    expect(rules.prepareReplacement(doc, alice, change(doc, {}))).toEqual({
      criteria: { agentId: "agent1" },
      current: "i1",
      chosen: undefined,
    });
    expect(codeOf(() => rules.prepareReplacement(doc, bob, change(doc, {})))).toBe("FORBIDDEN");
  });
});

describe("setDefaultScores", () => {
  it("on: fills the best answers of questions without autofail; off: clears everything", () => {
    const on = setDefaultScores(
      saveAnswers(newSession(), alice, full, undefined, later(1)),
      alice,
      true,
      later(2),
    );
    expect(on.answers).toEqual({
      care: { greet: { answerIds: ["yes"] }, resolved: { answerIds: ["yes"] } },
    });
    expect(on).toMatchObject({ defaultScores: true, state: "InProgress" });
    expect(on.scores.session).toBe(100);
    const off = setDefaultScores(on, alice, false, later(3));
    expect(off).toMatchObject({ answers: {}, defaultScores: false });
  });
  it("Unassigned → NOT_ASSIGNED, Completed → SESSION_COMPLETED", () => {
    expect(
      codeOf(() =>
        setDefaultScores(newSession({ type: "Shared", evaluatorId: null }), bob, true, T0),
      ),
    ).toBe("NOT_ASSIGNED");
    expect(codeOf(() => setDefaultScores(completed(), alice, true, later(3)))).toBe(
      "SESSION_COMPLETED",
    );
  });
});

describe("archive", () => {
  it("only a Completed or Expired session, once", () => {
    expect(archiveCheck(newSession(), T0)).toBe("NOT_ARCHIVABLE");
    expect(archiveCheck(newSession(), AFTER_DUE)).toBeNull();
    expect(archiveCheck(completed(), later(3))).toBeNull();
    const archived = archive(completed(), archiver, later(3));
    expect(archiveCheck(archived, later(4))).toBe("ALREADY_ARCHIVED");
    expect(archived).toMatchObject({
      archived: true,
      archivedBy: "keeper",
      archivedAt: later(3).toISOString(),
    });
    expect(archived.pendingEvents.at(-1)).toMatchObject({
      id: `s1.archived.${archived.revision}`,
      type: eventTypes.archived,
      data: {
        tenantId: "t1",
        sessionId: "s1",
        archivedBy: "keeper",
        archivedAt: later(3).toISOString(),
      },
    });
  });
  it("needs Administrator or QM.Archive", () => {
    expect(codeOf(() => archive(completed(), alice, later(3)))).toBe("FORBIDDEN");
    expect(codeOf(() => archive(newSession(), admin, T0))).toBe("CONFLICT");
  });
  it("makes every write refuse with SESSION_ARCHIVED", () => {
    const archived = archive(newSession(), admin, AFTER_DUE);
    const next = { ...interaction, id: "i2" };
    expect(codeOf(() => saveAnswers(archived, alice, full, undefined, AFTER_DUE))).toBe(
      "SESSION_ARCHIVED",
    );
    expect(codeOf(() => setDefaultScores(archived, alice, true, AFTER_DUE))).toBe(
      "SESSION_ARCHIVED",
    );
    expect(codeOf(() => replaceInteraction(archived, alice, next, AFTER_DUE))).toBe(
      "SESSION_ARCHIVED",
    );
    expect(codeOf(() => archive(archived, admin, AFTER_DUE))).toBe("SESSION_ARCHIVED");
  });
});

// ---------- no sequence of operations reaches a forbidden state ----------

type Op =
  | { kind: "claim"; who: number }
  | { kind: "assign"; who: number; to: number }
  | { kind: "save"; who: number; answers: (number | null)[]; showScore: boolean | undefined }
  | { kind: "clearForm"; who: number }
  | { kind: "fill"; who: number; picks: number[] }
  | { kind: "complete"; who: number }
  | { kind: "replace"; who: number; agentOk: boolean }
  | { kind: "defaults"; who: number; enabled: boolean }
  | { kind: "archive"; who: number }
  | { kind: "wait"; days: number };

const actors: Actor[] = [admin, alice, bob, agent, archiver];
// Mostly the assignee, so that sequences get deep enough to complete, rescore and archive.
const who = fc.oneof(
  { arbitrary: fc.constant(1), weight: 3 },
  { arbitrary: fc.nat({ max: actors.length - 1 }), weight: 2 },
);
const questions = allQuestions(customerCareSnapshot);

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("claim" as const), who }),
  fc.record({ kind: fc.constant("assign" as const), who, to: fc.nat({ max: 2 }) }),
  fc.record({
    kind: fc.constant("save" as const),
    who,
    answers: fc.array(fc.option(fc.nat(), { nil: null, freq: 3 }), {
      minLength: questions.length,
      maxLength: questions.length,
    }),
    showScore: fc.option(fc.boolean(), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant("clearForm" as const), who }),
  fc.record({
    kind: fc.constant("fill" as const),
    who,
    picks: fc.array(fc.nat(), { minLength: questions.length, maxLength: questions.length }),
  }),
  fc.record({ kind: fc.constant("complete" as const), who }),
  fc.record({ kind: fc.constant("replace" as const), who, agentOk: fc.boolean() }),
  fc.record({ kind: fc.constant("defaults" as const), who, enabled: fc.boolean() }),
  // Archivers are rare among the actors; bias towards them so archiving gets exercised.
  fc.record({ kind: fc.constant("archive" as const), who: fc.oneof(fc.constantFrom(0, 4), who) }),
  fc.record({ kind: fc.constant("wait" as const), days: fc.integer({ min: 1, max: 15 }) }),
  fc.record({ kind: fc.constant("complete" as const), who }),
);

/** Turns an op's numbers into a patch; some answers may be invalid (the op must then refuse). */
function patchFrom(picks: (number | null)[]): AnswersPatch {
  const answers: Record<string, { answerIds: string[] } | { na: true } | { text: string } | null> =
    {};
  questions.forEach((q, i) => {
    const pick = picks[i];
    if (pick === undefined || pick === null) return;
    if (pick % 13 === 0) answers[q.id] = null;
    else if (pick % 13 === 1) answers[q.id] = { na: true };
    else if (q.type === "text") answers[q.id] = { text: `note ${pick}` };
    else answers[q.id] = { answerIds: [q.answers[pick % q.answers.length]!.id] };
  });
  return { care: answers };
}

/** A valid answer for every question, so that complete can succeed. */
function fillFrom(picks: number[]): AnswersPatch {
  return {
    care: Object.fromEntries(
      questions.map((q, i) => {
        const pick = picks[i] ?? 0;
        return [
          q.id,
          q.type === "text"
            ? { text: `note ${pick}` }
            : { answerIds: [q.answers[pick % q.answers.length]!.id] },
        ];
      }),
    ),
  };
}

function apply(doc: SessionDocument, o: Op, now: Date, serial: number): SessionDocument {
  switch (o.kind) {
    case "claim":
      return claim(doc, actors[o.who]!, now);
    case "assign":
      return assign(doc, actors[o.who]!, ["alice", "bob", "admin"][o.to]!, now);
    case "save":
      return saveAnswers(doc, actors[o.who]!, patchFrom(o.answers), o.showScore, now);
    case "fill":
      return saveAnswers(doc, actors[o.who]!, fillFrom(o.picks), undefined, now);
    case "clearForm":
      return saveAnswers(doc, actors[o.who]!, { care: null }, undefined, now);
    case "complete":
      return complete(doc, actors[o.who]!, undefined, now);
    case "replace":
      return replaceInteraction(
        doc,
        actors[o.who]!,
        { ...interaction, id: `i${serial}`, agentId: o.agentOk ? "agent1" : "other" },
        now,
      );
    case "defaults":
      return setDefaultScores(doc, actors[o.who]!, o.enabled, now);
    case "archive":
      return archive(doc, actors[o.who]!, now);
    case "wait":
      return doc;
  }
}

function checkInvariants(doc: SessionDocument): void {
  expect(sessionDocumentSchema.parse(doc)).toEqual(doc);
  // What the Cosmos adapter reads back with is the same, for every reachable document.
  expect(storedSessionDocumentSchema.parse(doc)).toEqual(doc);
  if (doc.state === "Unassigned") {
    expect(doc.answers).toEqual({});
    expect(doc.evaluatorId).toBeNull();
  } else {
    expect(doc.evaluatorId).not.toBeNull();
  }
  if (doc.state === "Completed") {
    expect(Date.parse(doc.completedAt!)).toBeLessThanOrEqual(Date.parse(doc.dueDate));
    expect(missingRequired(doc.forms, doc.answers)).toEqual([]);
  }
  if (doc.archived) {
    const at = Date.parse(doc.archivedAt!);
    expect(doc.state === "Completed" || Date.parse(doc.dueDate) < at).toBe(true);
  }
  expect(doc.scores).toEqual(scoreSession(doc.forms, doc.answers));
  expect(new Set(doc.pendingEvents.map((e) => e.id)).size).toBe(doc.pendingEvents.length);
  expect(doc.hasPendingEvents).toBe(outboxSize(doc) > 0);
  // Every revision has exactly one history entry (nothing has moved out in these histories).
  expect(doc.pendingHistory.map((h) => h.revision)).toEqual(
    Array.from({ length: doc.revision }, (_, i) => i + 1),
  );
  // A version exists from the first completion on, each snapshot what the session said then.
  expect(doc.pendingVersions.map((v) => v.version)).toEqual(
    Array.from({ length: doc.version ?? 0 }, (_, i) => i + 1),
  );
  const newest = doc.pendingVersions.at(-1);
  if (newest) expect([newest.answers, newest.scores]).toEqual([doc.answers, doc.scores]);
}

describe("state machine properties", () => {
  it("no sequence of operations reaches a forbidden state; archived stays read-only", () => {
    // Which operations succeeded at least once, so the property is known to reach deep states.
    const reached = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom("Distributed", "Shared", "AdHoc", "Calibration"),
        fc.array(op, { maxLength: 30 }),
        (type, ops) => {
          let doc = newSession({
            type,
            evaluatorId: type === "Shared" ? null : "alice",
            ...(type === "Calibration" ? { calibrationId: "c1" } : {}),
          });
          let now = T0;
          checkInvariants(doc);
          ops.forEach((o, serial) => {
            if (o.kind === "wait") {
              now = new Date(now.getTime() + o.days * 86_400_000);
              return;
            }
            now = new Date(now.getTime() + 60_000);
            const before = doc;
            let after: SessionDocument | undefined;
            try {
              after = apply(before, o, now, serial);
            } catch (error) {
              if (!(error instanceof AppError)) throw error;
              // An archived session refuses as read-only, or earlier in docs/api.md's order (403 and
              // 400 come before 409; complete checks ALREADY_COMPLETED/NOT_ASSIGNED first).
              if (before.archived)
                expect([
                  "FORBIDDEN",
                  "VALIDATION_FAILED",
                  "SESSION_ARCHIVED",
                  "ALREADY_COMPLETED",
                  "NOT_ASSIGNED",
                ]).toContain(error.code);
            }
            if (after === undefined) return;
            if (before.archived) expect.fail(`${o.kind} changed an archived session`);
            expect(after.revision).toBe(before.revision + 1);
            expect(after.lastEditedAt).toBe(now.toISOString());
            expect(after.pendingEvents.slice(0, before.pendingEvents.length)).toEqual(
              before.pendingEvents,
            );
            checkInvariants(after);
            reached.add(o.kind);
            if (after.pendingEvents.length > before.pendingEvents.length) {
              reached.add(after.pendingEvents.at(-1)!.type);
            }
            doc = after;
          });
        },
      ),
      { numRuns: 800 },
    );
    expect([...reached].sort()).toEqual(
      expect.arrayContaining([
        "archive",
        "assign",
        "claim",
        "complete",
        "defaults",
        "replace",
        "save",
        eventTypes.completed,
        eventTypes.rescored,
        eventTypes.archived,
      ]),
    );
  });

  it("property: saving valid answers again changes neither answers nor scores", () => {
    fc.assert(
      fc.property(
        fc.tuple(...questions.map((q) => fc.option(arbitraryAnswerFor(q), { nil: undefined }))),
        (picked) => {
          const patch: AnswersPatch = {
            care: Object.fromEntries(
              questions.flatMap((q, i) => (picked[i] ? [[q.id, picked[i]]] : [])),
            ),
          };
          const once = saveAnswers(newSession(), alice, patch, undefined, later(1));
          const twice = saveAnswers(once, alice, patch, undefined, later(2));
          expect(twice.answers).toEqual(once.answers);
          expect(twice.scores).toEqual(once.scores);
        },
      ),
    );
  });
});
