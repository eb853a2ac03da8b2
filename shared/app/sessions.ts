// The session use cases: each loads what the caller may see (404 otherwise), calls one domain
// operation, which holds every rule, commits with the store's own concurrency token, publishes
// what the write carried (the outbox), and returns domain data. No HTTP here: the handlers in
// functions/ map requests in and results out, and timers or queue handlers may call these too.
import { randomUUID } from "node:crypto";
import { isAdmin, isEvaluator, canView, isAgent, type Actor } from "../domain/access.js";
import { notifyAgent as notifyAgentOf } from "../domain/action-items.js";
import { AppError, lostRace, notFound } from "../domain/errors.js";
import type { NotifyAgent } from "../domain/events.js";
import { authorizeExport, exportPasswordFor, type ExportFormat } from "../domain/exports.js";
import type { Selection, SessionDocument, VersionSnapshot } from "../domain/model.js";
import type { ChangeRequest, Parsed } from "../domain/requests.js";
import { inputOf } from "../domain/requests.js";
import * as rules from "../domain/session.js";
import { derivedId } from "../ids.js";
import type {
  Logger,
  Page,
  PageRequest,
  SessionFilter,
  SessionSummaryRecord,
  Stored,
} from "../ports.js";
import type { Services } from "../services.js";
import { withScore, type ActionItemRead } from "./action-items.js";
import { writeJudgedAgain } from "./conditional-writes.js";
import { createExport, exportFailure, type ExportOutcome, type ExportResult } from "./exports.js";
import { reassignCalibrationMember } from "./calibrations.js";
import { MAX_PENDING_HISTORY, moveOutbox } from "./outbox.js";
import { claimEarliest, claimInteraction, releaseHold } from "./holds.js";
import { pickPolicyReplacement } from "./policy-pool.js";
import { interactionRefOf } from "../domain/interactions.js";
import { needsHold } from "../domain/eligibility.js";

/** A session as its reader may see it: an agent sees scores only where an item shows them. */
export interface SessionRead {
  session: SessionDocument;
  showScoreToAgent: boolean;
}

interface VisibleSession extends SessionRead {
  stored: Stored<SessionDocument>;
}

/** Reads a session the caller may see, or throws 404 (missing, another tenant's, or hidden). */
export async function loadVisibleSession(
  services: Services,
  actor: Actor,
  id: string,
): Promise<VisibleSession> {
  const stored = await services.sessions.get(actor.tenantId, id);
  if (!stored || stored.doc.tenantId !== actor.tenantId) throw notFound("The session");
  const staff = isAdmin(actor) || isEvaluator(actor);
  let linked = false;
  let showScoreToAgent = false;
  if (!staff && isAgent(actor) && stored.doc.agentId === actor.userId) {
    const items = await services.actionItems.list(
      actor.tenantId,
      { agentId: actor.userId, sessionId: id },
      { limit: 50 },
    );
    linked = items.items.length > 0;
    showScoreToAgent = items.items.some((item) => item.showScore);
  }
  if (!canView(stored.doc, actor, linked)) throw notFound("The session");
  return { stored, session: stored.doc, showScoreToAgent };
}

/**
 * Writes the new state conditioned on the Cosmos `_etag` read before (a concurrent writer gets
 * 412, never a lost update); what the write carried in its outbox is moved out after the
 * response. A document whose earlier moves keep failing has its outbox moved first, here.
 */
export async function commit(
  services: Services,
  loaded: Stored<SessionDocument>,
  change: (doc: SessionDocument) => SessionDocument,
  log: Logger,
): Promise<SessionDocument> {
  let before = loaded;
  if (before.doc.pendingHistory.length >= MAX_PENDING_HISTORY) {
    await moveOutbox(services, before, services.config.PUBLISH_DEADLINE_MS);
    before = (await services.sessions.get(before.doc.tenantId, before.doc.id)) ?? before;
  }
  const saved = await writeJudgedAgain(services.sessions, before, change);
  afterResponse(services, saved, log);
  return saved.doc;
}

/**
 * Moves the outbox out once the response is on its way. A failure is logged, not surfaced: the
 * change is stored with its outbox, and the sweep moves it later.
 */
export function afterResponse(
  services: Services,
  stored: Stored<SessionDocument>,
  log: Logger,
): void {
  if (!stored.doc.hasPendingEvents) return;
  services.background.run(async () => {
    try {
      const { cleared } = await moveOutbox(services, stored, services.config.PUBLISH_DEADLINE_MS);
      if (!cleared) {
        log.warn(`session ${stored.doc.id}: changed while its outbox moved; the sweep clears it`);
      }
    } catch (error) {
      log.warn(
        `session ${stored.doc.id}: moving its outbox failed; the sweep will retry`,
        error instanceof Error ? error.message : String(error),
      );
    }
  });
}

/** The settings the session rules read, from the parsed configuration. */
export function sessionSettings(services: Services): rules.SessionSettings {
  const { config } = services;
  return {
    defaultScores: config.FEATURE_DEFAULT_SCORES,
    editReasonRequired: config.EDIT_REASON_REQUIRED,
    exportPassword: config.EXPORT_PASSWORD,
  };
}

// ---------- reads ----------

export async function getSession(
  services: Services,
  actor: Actor,
  id: string,
): Promise<SessionRead> {
  const { session, showScoreToAgent } = await loadVisibleSession(services, actor, id);
  return { session, showScoreToAgent };
}

/** How many of an agent's action items are read to find the sessions they link. */
const agentLinkLimit = 200;

export type SessionListFilter = Omit<SessionFilter, "visibleToEvaluator" | "ids" | "now">;

/** The grid: Admin all, Evaluator own + Unassigned, Agent the sessions its action items link. */
export async function listSessions(
  services: Services,
  actor: Actor,
  filter: SessionListFilter,
  page: PageRequest,
): Promise<Page<{ summary: SessionSummaryRecord; showScoreToAgent: boolean }>> {
  const now = services.clock.now();
  let scope: { visibleToEvaluator?: string; ids?: string[]; agentId?: string } = {};
  let shownToAgent = new Set<string>();
  if (!isAdmin(actor)) {
    if (isEvaluator(actor)) {
      scope = { visibleToEvaluator: actor.userId };
    } else {
      const items = await services.actionItems.list(
        actor.tenantId,
        { agentId: actor.userId },
        { limit: agentLinkLimit },
      );
      const ids = [...new Set(items.items.map((item) => item.sessionId))];
      if (ids.length === 0) return { items: [], continuationToken: null };
      shownToAgent = new Set(
        items.items.filter((item) => item.showScore).map((item) => item.sessionId),
      );
      // Only while it is the session's agent: Replace Interaction may have moved it on.
      scope = { ids, agentId: actor.userId };
    }
  }
  const found = await services.sessions.list(
    actor.tenantId,
    { ...filter, ...scope, now: now.toISOString() },
    page,
  );
  return {
    items: found.items.map((summary) => ({
      summary,
      showScoreToAgent: shownToAgent.has(summary.id),
    })),
    continuationToken: found.continuationToken,
  };
}

/**
 * The recording's read link; the blob is the truth, not `hasMedia` (declared, never uploaded).
 * It serves the type declared at ingestion (an audio/* or video/* the schema checked), never
 * the one the uploader's PUT stored; an interaction stored before types were kept gets a
 * download type no browser renders as a page.
 */
export async function sessionMedia(services: Services, actor: Actor, id: string) {
  const { session } = await loadVisibleSession(services, actor, id);
  const interaction = await services.interactions.get(session.tenantId, session.interaction.id);
  const link = await services.blobs.mediaReadUrl(
    session.tenantId,
    session.interaction.id,
    interaction?.mediaContentType ?? "application/octet-stream",
  );
  if (!link) {
    throw new AppError("MEDIA_NOT_FOUND", "No media was uploaded for this session's interaction.");
  }
  return link;
}

// ---------- writes ----------

/** Loads the session the caller may see and commits one domain change to it. */
async function changeSession(
  services: Services,
  actor: Actor,
  id: string,
  log: Logger,
  change: (doc: SessionDocument, now: Date, settings: rules.SessionSettings) => SessionDocument,
): Promise<SessionDocument> {
  const { stored } = await loadVisibleSession(services, actor, id);
  const now = services.clock.now();
  const settings = sessionSettings(services);
  return commit(services, stored, (doc) => change(doc, now, settings), log);
}

export async function assignSession(
  services: Services,
  actor: Actor,
  id: string,
  request: ChangeRequest<rules.AssignInput>,
  log: Logger,
): Promise<SessionDocument> {
  const { stored } = await loadVisibleSession(services, actor, id);
  const now = services.clock.now();
  const assign = (doc: SessionDocument) => rules.assignSession(doc, actor, request, now);
  const next = assign(stored.doc);
  // One session per evaluator in a calibration: its document records who has which session.
  if (
    next.type === "Calibration" &&
    next.evaluatorId !== stored.doc.evaluatorId &&
    next.evaluatorId
  )
    await reassignCalibrationMember(services, next, next.evaluatorId);
  return commit(services, stored, assign, log);
}

export function saveAnswers(
  services: Services,
  actor: Actor,
  id: string,
  request: ChangeRequest<rules.SaveAnswersInput>,
  log: Logger,
): Promise<SessionDocument> {
  return changeSession(services, actor, id, log, (doc, now, settings) =>
    rules.saveAnswers(doc, actor, request, now, settings),
  );
}

export function setDefaultScores(
  services: Services,
  actor: Actor,
  id: string,
  request: ChangeRequest<rules.DefaultScoresInput>,
  log: Logger,
): Promise<SessionDocument> {
  return changeSession(services, actor, id, log, (doc, now, settings) =>
    rules.setDefaultScores(doc, actor, request, now, settings),
  );
}

/**
 * Completes the session, then makes the exports it asked for. One export that fails is reported
 * in the result, not thrown: the completion is stored and the client retries POST .../exports.
 */
export async function completeSession(
  services: Services,
  actor: Actor,
  id: string,
  request: ChangeRequest<rules.CompleteInput>,
  log: Logger,
): Promise<{ session: SessionDocument; exports: ExportOutcome[] }> {
  const { stored } = await loadVisibleSession(services, actor, id);
  const now = services.clock.now();
  const settings = sessionSettings(services);
  let exports: rules.Completion["exports"] = { formats: [], password: undefined };
  const session = await commit(
    services,
    stored,
    (doc) => {
      const completion = rules.complete(doc, actor, request, now, settings);
      exports = completion.exports;
      return completion.session;
    },
    log,
  );
  const made: ExportOutcome[] = [];
  // One at a time: the renderers are CPU- and memory-heavy, and the response waits for all.
  for (const format of exports.formats) {
    try {
      made.push(await createExport(services, session, format, exports.password, actor));
    } catch (error) {
      const failure = exportFailure(format, error);
      // Neither the error nor this line can carry the password: renderers never put it in a message.
      log.warn(
        `session ${session.id}: the ${format} export failed (${failure.error.code})`,
        error instanceof Error ? error.message : String(error),
      );
      made.push(failure);
    }
  }
  return { session, exports: made };
}

/**
 * Gives a criteria session another eligible interaction, the chosen one or the earliest free
 * match (a policy's session: the next of its seeded pool, shared/app/policy-pool.ts): the new
 * one is held before the session moves to it, and the old one released after.
 */
export async function replaceSessionInteraction(
  services: Services,
  actor: Actor,
  id: string,
  request: ChangeRequest<rules.ReplaceInteractionInput>,
  log: Logger,
): Promise<SessionDocument> {
  const { stored } = await loadVisibleSession(services, actor, id);
  const search = rules.prepareReplacement(stored.doc, actor, request);
  const tenantId = actor.tenantId;
  const claimant = { sessionId: stored.doc.id };
  let interaction;
  let selection: Selection | undefined;
  if (stored.doc.source === "policy") {
    ({ interaction, selection } = await pickPolicyReplacement(services, stored.doc, search));
  } else if (search.chosen !== undefined) {
    const claim = await claimInteraction(services, tenantId, search.chosen, claimant, (found) =>
      rules.assertReplacement(search, found),
    );
    if (claim.kind !== "claimed") throw rules.notEligible();
    interaction = claim.interaction;
  } else {
    interaction = await claimEarliest(services, tenantId, search.criteria, claimant);
    if (!interaction) {
      throw new AppError(
        "NO_MATCHING_INTERACTION",
        "No other eligible interaction matches the criteria.",
      );
    }
  }
  const now = services.clock.now();
  const ref = interactionRefOf(interaction);
  // A failed write leaves the new hold to go stale: it may have been stored after all.
  const saved = await commit(
    services,
    stored,
    (doc) => {
      rules.prepareReplacement(doc, actor, request);
      return rules.replaceInteraction(doc, actor, ref, now, selection);
    },
    log,
  );
  await releaseHold(services, tenantId, search.current, stored.doc.id, log);
  return saved;
}

export interface ArchiveResult {
  archived: string[];
  rejected: { id: string; code: rules.ArchiveRefusal | "NOT_FOUND" | "PRECONDITION_FAILED" }[];
}

/** Archives each session it can; reports why the others were not archived. */
export async function archiveSessions(
  services: Services,
  actor: Actor,
  input: Parsed<{ ids: string[] }>,
  log: Logger,
): Promise<ArchiveResult> {
  const { ids } = inputOf(input);
  const result: ArchiveResult = { archived: [], rejected: [] };
  const written: Stored<SessionDocument>[] = [];
  for (const id of ids) {
    const stored = await services.sessions.get(actor.tenantId, id);
    if (!stored) {
      result.rejected.push({ id, code: "NOT_FOUND" });
      continue;
    }
    const now = services.clock.now();
    const refusal = rules.archiveCheck(stored.doc, now);
    if (refusal) {
      result.rejected.push({ id, code: refusal });
      continue;
    }
    try {
      written.push(
        await writeJudgedAgain(services.sessions, stored, (doc) => rules.archive(doc, actor, now)),
      );
      result.archived.push(id);
    } catch (error) {
      // Someone saved it between our read and write: report it, archive the rest.
      if (lostRace(error)) {
        result.rejected.push({ id, code: "PRECONDITION_FAILED" });
      } else throw error;
    }
  }
  // After the response, all at once: a degraded topic costs one deadline, not one per id; an
  // interaction no session evaluated is given back.
  for (const saved of written) afterResponse(services, saved, log);
  await Promise.all(
    written.map(async ({ doc }) => {
      if (!needsHold(doc, doc.interaction.id)) {
        await releaseHold(services, doc.tenantId, doc.interaction.id, doc.id, log);
      }
    }),
  );
  return result;
}

// ---------- action items and exports of a session ----------

/** How long an Idempotency-Key returns the item it first created. */
const idempotencyWindowMs = 24 * 60 * 60 * 1000;
/** How many expired generations of one key are followed before a fresh id is used. */
const maxKeyGenerations = 32;

/**
 * Sends the agent an action item about the session. With an idempotency key a retry returns
 * the item it created (`created: false`) for 24 hours; after that the same key starts a new item
 * whose id chains from the expired one, so a retry of that request finds it in turn.
 */
export async function notifyAgent(
  services: Services,
  actor: Actor,
  id: string,
  input: Parsed<NotifyAgent>,
  idempotencyKey: string | undefined,
): Promise<{ read: ActionItemRead; created: boolean }> {
  const { session } = await loadVisibleSession(services, actor, id);
  const now = services.clock.now();
  const itemWithId = (itemId: string) => notifyAgentOf(session, actor, input, itemId, now);
  if (idempotencyKey) {
    let itemId = derivedId([actor.tenantId, session.id, actor.userId, idempotencyKey], 40);
    for (let generation = 0; generation < maxKeyGenerations; generation++) {
      const { stored, created } = await services.actionItems.createIfAbsent(itemWithId(itemId));
      const age = now.getTime() - Date.parse(stored.doc.createdAt);
      if (created || age < idempotencyWindowMs) {
        return { read: await withScore(services, stored.doc), created };
      }
      itemId = derivedId([itemId, "next"], 40);
    }
  }
  const { stored } = await services.actionItems.createIfAbsent(itemWithId(randomUUID()));
  return { read: await withScore(services, stored.doc), created: true };
}

/**
 * A pdf, password-protected xlsx or csv of the session as it is now (archived ones too), or of
 * one of its versions (a retracted one included).
 */
export async function exportSession(
  services: Services,
  actor: Actor,
  id: string,
  input: Parsed<{ format: ExportFormat; password?: string | undefined; version?: number }>,
): Promise<ExportResult> {
  const { session } = await loadVisibleSession(services, actor, id);
  authorizeExport(session, actor);
  const { format, password, version } = inputOf(input);
  const usable = exportPasswordFor([format], password, services.config.EXPORT_PASSWORD);
  if (version === undefined) return createExport(services, session, format, usable, actor);
  const shown = await versionOf(services, session, version);
  const asItWas = { ...session, answers: shown.answers, scores: shown.scores, version };
  return createExport(services, asItWas, format, usable, actor, version);
}

/** One version of a session: still pending in its outbox, or moved out; 404 when it has none. */
export async function versionOf(
  services: Services,
  session: SessionDocument,
  version: number,
): Promise<VersionSnapshot> {
  const found =
    session.pendingVersions.find((v) => v.version === version) ??
    (await services.versions.get(session.tenantId, session.id, version));
  if (!found) throw notFound("The version");
  return found;
}
