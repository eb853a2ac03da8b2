// The outbox of a session: what a write stores with its change and the publisher (or the sweep)
// moves out afterwards: events to the topic, history entries and version snapshots to their
// containers. Moving is idempotent (event ids, (session, revision), (session, version)).
import type { SessionDocument } from "./model.js";

/** What an outbox run moved out: events by id, history entries by revision, versions by number. */
export interface OutboxDone {
  eventIds: readonly string[];
  revisions?: readonly number[];
  versions?: readonly number[];
}

/** The part of a session document that waits to be moved out, and the flag the sweep reads. */
export type Outbox = Pick<
  SessionDocument,
  "pendingEvents" | "pendingHistory" | "pendingVersions" | "hasPendingEvents"
>;

/** How many things wait in the outbox. */
export function outboxSize(outbox: Outbox): number {
  return outbox.pendingEvents.length + outbox.pendingHistory.length + outbox.pendingVersions.length;
}

/** The outbox with `done` removed (the flag follows what is left). */
export function outboxWithout(outbox: Outbox, done: OutboxDone): Outbox {
  const events = new Set(done.eventIds);
  const revisions = new Set(done.revisions ?? []);
  const versions = new Set(done.versions ?? []);
  const pendingEvents = outbox.pendingEvents.filter((e) => !events.has(e.id));
  const pendingHistory = outbox.pendingHistory.filter((h) => !revisions.has(h.revision));
  const pendingVersions = outbox.pendingVersions.filter((v) => !versions.has(v.version));
  return {
    pendingEvents,
    pendingHistory,
    pendingVersions,
    hasPendingEvents: pendingEvents.length + pendingHistory.length + pendingVersions.length > 0,
  };
}
