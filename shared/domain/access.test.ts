import { describe, expect, it } from "vitest";
import { canArchive, canView, capabilities } from "./access.js";
import {
  admin,
  agent,
  alice,
  archiver,
  bob,
  newSession,
  otherTenantAdmin,
} from "../../test/support/domain-fixtures.js";

describe("canView", () => {
  it("Admin sees every session of its tenant, never another tenant's", () => {
    expect(canView(newSession(), admin, false)).toBe(true);
    expect(canView(newSession(), otherTenantAdmin, false)).toBe(false);
  });
  it("an Evaluator sees its own and Unassigned sessions only", () => {
    expect(canView(newSession(), alice, false)).toBe(true);
    expect(canView(newSession(), bob, false)).toBe(false);
    expect(canView(newSession({ type: "Shared", evaluatorId: null }), bob, false)).toBe(true);
  });
  it("the agent sees it only when an action item links it", () => {
    expect(canView(newSession(), agent, false)).toBe(false);
    expect(canView(newSession(), agent, true)).toBe(true);
    expect(canView(newSession(), { ...agent, userId: "someone-else" }, true)).toBe(false);
  });
  it("QM.Archive alone does not make a session readable; it allows archiving", () => {
    expect(canView(newSession(), archiver, false)).toBe(false);
    expect(canArchive(archiver)).toBe(true);
    expect(canArchive(alice)).toBe(false);
  });
});

describe("capabilities", () => {
  it("shows each button to the roles the rules let through", () => {
    expect(capabilities(admin)).toEqual({
      manageForms: true,
      createSessions: true,
      archive: true,
      ingestInteractions: true,
      resolveDisputes: true,
      manageCalibrations: true,
      managePolicies: true,
      viewAnalytics: true,
    });
    expect(capabilities(alice)).toEqual({
      manageForms: false,
      createSessions: true,
      archive: false,
      ingestInteractions: false,
      resolveDisputes: true,
      manageCalibrations: false,
      managePolicies: false,
      viewAnalytics: true,
    });
    expect(capabilities(archiver).archive).toBe(true);
    expect(capabilities(agent)).toEqual({
      manageForms: false,
      createSessions: false,
      archive: false,
      ingestInteractions: false,
      resolveDisputes: false,
      manageCalibrations: false,
      managePolicies: false,
      viewAnalytics: false,
    });
  });
});
