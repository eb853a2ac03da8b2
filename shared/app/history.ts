// A session's history and versions. Entries and snapshots are moved out of the session right
// after the write that made them; a read first stores any still pending (idempotently), so a
// caller always sees its own writes.
import type { Actor } from "../domain/access.js";
import { withRetraction } from "../domain/history.js";
import type { HistoryEntry, VersionSnapshot } from "../domain/model.js";
import { authorizeHistory } from "../domain/session.js";
import type { Page, PageRequest } from "../ports.js";
import type { Services } from "../services.js";
import { loadVisibleSession, versionOf } from "./sessions.js";

async function readable(services: Services, actor: Actor, id: string) {
  const { session } = await loadVisibleSession(services, actor, id);
  authorizeHistory(session, actor);
  return session;
}

/** Newest first, paged. */
export async function sessionHistory(
  services: Services,
  actor: Actor,
  id: string,
  page: PageRequest,
): Promise<Page<HistoryEntry>> {
  const session = await readable(services, actor, id);
  if (session.pendingHistory.length > 0) {
    await services.history.add(session.tenantId, session.id, session.pendingHistory);
  }
  return services.history.list(session.tenantId, session.id, page);
}

/** Every version, newest first; each but the newest retracted by the next one. */
export async function sessionVersions(
  services: Services,
  actor: Actor,
  id: string,
): Promise<(VersionSnapshot & { retractedAt?: string })[]> {
  const session = await readable(services, actor, id);
  if (session.pendingVersions.length > 0) {
    await services.versions.add(session.tenantId, session.id, session.pendingVersions);
  }
  return withRetraction(await services.versions.list(session.tenantId, session.id));
}

export async function sessionVersion(
  services: Services,
  actor: Actor,
  id: string,
  version: number,
): Promise<VersionSnapshot> {
  return versionOf(services, await readable(services, actor, id), version);
}
