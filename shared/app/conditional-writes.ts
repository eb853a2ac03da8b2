// What a use case does when its conditional write loses a race (`lostRace`,
// shared/domain/errors.ts). Only the rule below is shared; the other loops differ on purpose,
// because a lost write means something different to each:
//
// - a write on the caller's If-Match (writeSession in shared/app/sessions.ts, updatePolicy in
//   shared/app/policies.ts): `writeJudgedAgain` below. Only bookkeeping that keeps the
//   revision is overlooked; any other lost race is the caller's 412, as the contract says.
// - writes no caller named a revision for: a calibration's settings and member reassignment
//   (changeCalibration in shared/app/calibrations.ts) and a calibration join
//   (shared/app/create-session.ts) re-read and apply the change again
//   (5 rounds); when others keep winning they answer 409 CONFLICT, since a 412 would blame an
//   If-Match the caller never sent.
// - claimInteraction (shared/app/holds.ts): re-reads and judges the racer's hold (3 rounds); a
//   racer that keeps winning holds the interaction: INTERACTION_IN_USE.
// - event consumers: noteDisputeResolved (shared/app/action-items.ts, 3 rounds) and the
//   analytics read model (shared/app/analytics.ts, 12 rounds with jittered back-off, as every
//   completion's consumers race on one bucket; creating and removing count as lost races there)
//   rethrow when out of rounds, so the message is delivered again.
// - recordLastRun (shared/app/policy-runs.ts, 3 rounds) only logs: the run's operation already
//   holds its outcome, lastRun is a summary. A run's own progress write that loses means another
//   worker took the run over, and this one stops.
// - addTag (shared/adapters/cosmos/interactions.ts, 5 rounds) rethrows the 412: its callers are
//   consumers, redelivered like the ones above.
import type { Stored } from "../ports.js";
import { lostRace } from "../domain/errors.js";

/** Retries of a write whose document only bookkeeping changed meanwhile. */
const BOOKKEEPING_RETRIES = 3;

/** A store of documents whose `revision` only their users' changes move. */
interface RevisedStore<T> {
  get(tenantId: string, id: string): Promise<Stored<T> | undefined>;
  replace(doc: T, etag: string): Promise<Stored<T>>;
}

/**
 * Writes `change(doc)` on the etag `doc` was read with. Bookkeeping (moving a session's
 * outbox, recording a policy's last run) changes the store's etag but never the revision, so
 * when the write loses to it the change is judged again on the document as it is now (the
 * caller's If-Match still holds). When a user's write in between changed the revision, or the
 * document is gone, the lost write's 412 is the answer.
 */
export async function writeJudgedAgain<
  T extends { tenantId: string; id: string; revision: number },
>(store: RevisedStore<T>, loaded: Stored<T>, change: (doc: T) => T): Promise<Stored<T>> {
  let before = loaded;
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.replace(change(before.doc), before.etag);
    } catch (error) {
      if (!lostRace(error) || attempt >= BOOKKEEPING_RETRIES) throw error;
      const now = await store.get(before.doc.tenantId, before.doc.id);
      if (!now || now.doc.revision !== before.doc.revision) throw error;
      before = now;
    }
  }
}
