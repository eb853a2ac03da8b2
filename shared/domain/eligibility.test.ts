import { describe, expect, it } from "vitest";
import {
  isEligible,
  manualInteractionConflict,
  matchesCriteria,
  type HoldRecord,
} from "./eligibility.js";

const free = { tags: [] as string[] };
const holder = (overrides: Partial<HoldRecord> = {}): HoldRecord => ({
  id: "s1",
  type: "Distributed",
  state: "Pending",
  archived: false,
  evaluatorId: "alice",
  ...overrides,
});

describe("isEligible", () => {
  it("an untagged interaction nobody holds is eligible", () => {
    expect(isEligible(free, [])).toBe(true);
  });
  it("an interaction tagged Evaluated never is", () => {
    expect(isEligible({ tags: ["Evaluated"] }, [])).toBe(false);
  });
  it("another open session blocks it; an archived one does not; the asking session does not", () => {
    expect(isEligible(free, [holder()])).toBe(false);
    expect(isEligible(free, [holder({ archived: true })])).toBe(true);
    expect(isEligible(free, [holder()], { excludeSessionId: "s1" })).toBe(true);
  });
  it("Calibration sessions of the same calibrationId share it, others do not", () => {
    const calibration = holder({ type: "Calibration", calibrationId: "c1" });
    expect(isEligible(free, [calibration], { calibrationId: "c1" })).toBe(true);
    expect(isEligible(free, [calibration], { calibrationId: "c2" })).toBe(false);
    expect(isEligible(free, [calibration])).toBe(false);
    expect(isEligible(free, [holder()], { calibrationId: "c1" })).toBe(false);
  });
  it("a completed holder blocks even when archived (it was evaluated)", () => {
    expect(isEligible(free, [holder({ state: "Completed", archived: true })])).toBe(false);
  });
});

describe("manualInteractionConflict", () => {
  it("names ALREADY_EVALUATED for a tag or a completed holder, IN_USE for an open holder", () => {
    expect(manualInteractionConflict({ tags: ["Evaluated"] }, [])).toBe(
      "INTERACTION_ALREADY_EVALUATED",
    );
    expect(manualInteractionConflict(free, [holder({ state: "Completed" })])).toBe(
      "INTERACTION_ALREADY_EVALUATED",
    );
    expect(manualInteractionConflict(free, [holder({ state: "InProgress" })])).toBe(
      "INTERACTION_IN_USE",
    );
    expect(manualInteractionConflict(free, [holder({ archived: true })])).toBeNull();
    expect(
      manualInteractionConflict(free, [holder({ type: "Calibration", calibrationId: "c1" })], "c1"),
    ).toBeNull();
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
