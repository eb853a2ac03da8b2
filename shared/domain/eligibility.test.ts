import { describe, expect, it } from "vitest";
import {
  holdVerdict,
  needsHold,
  matchesCriteria,
  STALE_HOLD_MS,
  type HolderState,
} from "./eligibility.js";
import type { Hold } from "./model.js";

const now = new Date("2026-11-20T10:00:00.000Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const interaction = (hold: Hold | null, tags: string[] = []) => ({ id: "i1", tags, hold });
const held = (overrides: Partial<Hold> = {}): Hold => ({
  sessionId: "s1",
  at: ago(1000),
  ...overrides,
});
const holder = (overrides: Partial<Extract<HolderState, { exists: true }>> = {}): HolderState => ({
  exists: true,
  completed: false,
  archived: false,
  interactionId: "i1",
  ...overrides,
});
const me = { sessionId: "s2" };

describe("holdVerdict", () => {
  it("a free interaction is claimed; an evaluated one never is, held or not", () => {
    expect(holdVerdict(interaction(null), me, undefined, now)).toEqual({ kind: "free" });
    expect(holdVerdict(interaction(null, ["Evaluated"]), me, undefined, now)).toEqual({
      kind: "refused",
      code: "INTERACTION_ALREADY_EVALUATED",
    });
  });
  it("its calibration's hold needs no write; its own session's is written again", () => {
    expect(holdVerdict(interaction(held({ sessionId: "s2" })), me, undefined, now).kind).toBe(
      "renew",
    );
    const calibration = interaction(held({ calibrationId: "c1" }));
    const joiner = { ...me, calibrationId: "c1" };
    expect(holdVerdict(calibration, joiner, undefined, now)).toEqual({
      kind: "askHolder",
      sessionId: "s1",
    });
    expect(holdVerdict(calibration, joiner, holder(), now).kind).toBe("held");
    expect(holdVerdict(calibration, { ...me, calibrationId: "c2" }, undefined, now).kind).toBe(
      "askHolder",
    );
  });
  it("joiners of a calibration pass the Evaluated tag until its first session is archived", () => {
    const joiner = { ...me, calibrationId: "c1" };
    const evaluated = interaction(held({ calibrationId: "c1" }), ["Evaluated"]);
    const open = [holder(), holder({ completed: true }), { exists: false } as const];
    const stale = interaction(held({ calibrationId: "c1", at: ago(STALE_HOLD_MS) }), ["Evaluated"]);
    expect(holdVerdict(stale, joiner, { exists: false }, now).kind).toBe("takeOver");
    expect(holdVerdict(stale, joiner, holder(), now).kind).toBe("held");
    for (const first of open) {
      expect(holdVerdict(evaluated, joiner, first, now).kind).toBe("held");
    }
    for (const completed of [false, true]) {
      expect(holdVerdict(evaluated, joiner, holder({ archived: true, completed }), now)).toEqual({
        kind: "refused",
        code: "INTERACTION_ALREADY_EVALUATED",
      });
    }
    // Closed before anyone completed (the tag is set on completion): nothing was evaluated.
    const untagged = interaction(held({ calibrationId: "c1" }));
    expect(holdVerdict(untagged, joiner, holder({ archived: true }), now)).toEqual({
      kind: "refused",
      code: "CONFLICT",
    });
    expect(holdVerdict(untagged, joiner, holder({ archived: true, completed: true }), now)).toEqual(
      { kind: "refused", code: "INTERACTION_ALREADY_EVALUATED" },
    );
    // Another calibration, or no calibration, meets the tag first.
    expect(holdVerdict(evaluated, { ...me, calibrationId: "c2" }, undefined, now)).toEqual({
      kind: "refused",
      code: "INTERACTION_ALREADY_EVALUATED",
    });
  });
  it("another session's hold asks who holds it, and then refuses or takes over", () => {
    const taken = interaction(held());
    expect(holdVerdict(taken, me, undefined, now)).toEqual({ kind: "askHolder", sessionId: "s1" });
    expect(holdVerdict(taken, me, holder(), now)).toEqual({
      kind: "refused",
      code: "INTERACTION_IN_USE",
    });
    // Completed is evaluated, even before the tag and even once archived.
    for (const archived of [false, true]) {
      expect(holdVerdict(taken, me, holder({ completed: true, archived }), now)).toEqual({
        kind: "refused",
        code: "INTERACTION_ALREADY_EVALUATED",
      });
    }
  });
  it("a hold whose session is gone, archived unevaluated or moved on is taken over once stale", () => {
    const young = interaction(held({ at: ago(STALE_HOLD_MS - 1) }));
    const old = interaction(held({ at: ago(STALE_HOLD_MS + 1) }));
    for (const state of [
      { exists: false } as const,
      holder({ archived: true }),
      holder({ interactionId: "i9" }),
    ]) {
      expect(holdVerdict(young, me, state, now)).toEqual({
        kind: "refused",
        code: "INTERACTION_IN_USE",
      });
      expect(holdVerdict(old, me, state, now)).toEqual({ kind: "takeOver" });
    }
    expect(holdVerdict(old, me, holder(), now).kind).toBe("refused");
  });
  it("a calibration's hold is never stale: its other sessions may still be open", () => {
    const old = interaction(held({ calibrationId: "c1", at: ago(10 * STALE_HOLD_MS) }));
    expect(holdVerdict(old, me, { exists: false }, now)).toEqual({
      kind: "refused",
      code: "INTERACTION_IN_USE",
    });
  });
});

describe("needsHold", () => {
  const session = (state: string, archived: boolean, id = "i1") => ({
    state,
    archived,
    interaction: { id },
  });
  it("a session keeps its interaction until it moves on or is archived unevaluated", () => {
    expect(needsHold(session("InProgress", false), "i1")).toBe(true);
    expect(needsHold(session("Completed", true), "i1")).toBe(true);
    expect(needsHold(session("InProgress", true), "i1")).toBe(false);
    expect(needsHold(session("InProgress", false, "i2"), "i1")).toBe(false);
    expect(needsHold(undefined, "i1")).toBe(false);
  });
});

describe("matchesCriteria", () => {
  const call = {
    agentId: "a1",
    startedAt: "2026-11-01T10:00:00Z",
    channel: "voice" as const,
    durationSeconds: 120,
  };
  it("matches on every given field, bounds inclusive", () => {
    expect(matchesCriteria(call, {})).toBe(true);
    expect(
      matchesCriteria(call, {
        agentId: "a1",
        channel: "voice",
        from: "2026-11-01T10:00:00Z",
        to: "2026-11-01T10:00:00.000Z",
        minDurationSeconds: 120,
      }),
    ).toBe(true);
  });
  it("fails on any one field", () => {
    expect(matchesCriteria(call, { agentId: "a2" })).toBe(false);
    expect(matchesCriteria(call, { channel: "chat" })).toBe(false);
    expect(matchesCriteria(call, { from: "2026-11-01T10:00:01Z" })).toBe(false);
    expect(matchesCriteria(call, { to: "2026-11-01T09:59:59Z" })).toBe(false);
    expect(matchesCriteria(call, { minDurationSeconds: 121 })).toBe(false);
  });
});
