// Who may do what: the roles a verified token carries and the rules built on them. What each
// viewer sees of a resource is shared/http/views; this file says only whether they may.
import type { SessionDocument } from "./model.js";

export const roles = [
  "QM.Administrator",
  "QM.Evaluator",
  "QM.Agent",
  "QM.Integration",
  "QM.Archive",
] as const;
export type Role = (typeof roles)[number];

/** The verified caller (shared/http/auth.ts builds it from a token, and only from one). */
export interface Actor {
  tenantId: string;
  userId: string;
  name: string;
  roles: ReadonlySet<Role>;
}

export const isAdmin = (actor: Actor): boolean => actor.roles.has("QM.Administrator");
export const isEvaluator = (actor: Actor): boolean => actor.roles.has("QM.Evaluator");
export const isAgent = (actor: Actor): boolean => actor.roles.has("QM.Agent");
export const isIntegration = (actor: Actor): boolean => actor.roles.has("QM.Integration");
/** Administrators, and holders of the QM.Archive permission for every session of their tenant. */
export const canArchive = (actor: Actor): boolean =>
  isAdmin(actor) || actor.roles.has("QM.Archive");

/** Who may read the analytics (every agent's figures of the tenant): never an Agent. */
export const analyticsRoles = ["QM.Administrator", "QM.Evaluator"] as const satisfies Role[];
export const canViewAnalytics = (actor: Actor): boolean =>
  analyticsRoles.some((role) => actor.roles.has(role));

/** What the caller may do, for the UI's buttons (GET /api/me). */
export function capabilities(actor: Actor) {
  return {
    manageForms: isAdmin(actor),
    // Evaluators may create AdHoc sessions for themselves.
    createSessions: isAdmin(actor) || isEvaluator(actor),
    archive: canArchive(actor),
    ingestInteractions: isAdmin(actor) || isIntegration(actor),
    resolveDisputes: isAdmin(actor) || isEvaluator(actor),
    manageCalibrations: isAdmin(actor),
    managePolicies: isAdmin(actor),
    viewAnalytics: canViewAnalytics(actor),
  };
}

type Visible = Pick<SessionDocument, "tenantId" | "state" | "evaluatorId" | "agentId">;

/** Sees the session as one who works on it: Admin, the assignee, any Evaluator while Unassigned. */
export function seesAsStaff(session: Visible, actor: Actor): boolean {
  if (session.tenantId !== actor.tenantId) return false;
  if (isAdmin(actor)) return true;
  return (
    isEvaluator(actor) && (session.evaluatorId === actor.userId || session.state === "Unassigned")
  );
}

/** Sees it as its agent: while it is the session's agent and an action item links them. */
function seesAsAgent(session: Visible, actor: Actor, linkedByActionItem: boolean): boolean {
  return (
    session.tenantId === actor.tenantId &&
    isAgent(actor) &&
    session.agentId === actor.userId &&
    linkedByActionItem
  );
}

/** Whether the session exists for this caller at all (otherwise 404). */
export function canView(session: Visible, actor: Actor, linkedByActionItem: boolean): boolean {
  return seesAsStaff(session, actor) || seesAsAgent(session, actor, linkedByActionItem);
}

/** Whether this viewer may see scores: staff always, the agent only with an item's showScore. */
export function seesScores(session: Visible, actor: Actor, showScoreToAgent: boolean): boolean {
  return seesAsStaff(session, actor) || showScoreToAgent;
}
