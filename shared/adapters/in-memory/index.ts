// In-memory stores with the Cosmos adapters' behaviour (etags, 409/412, order, filters, tokens),
// for unit tests and the throughput benchmark. test/stores.contract.test.ts holds both to it.
import { InMemoryAnalyticsStore } from "./analytics.js";
import { InMemoryActionItemStore } from "./action-items.js";
import { InMemoryCalibrationStore } from "./calibrations.js";
import { InMemoryFormStore } from "./forms.js";
import { InMemoryInteractionStore } from "./interactions.js";
import { InMemoryDisputeStore } from "./disputes.js";
import { InMemoryHistoryStore, InMemoryVersionStore } from "./history.js";
import { InMemoryOperationStore, InMemoryPolicyStore } from "./policies.js";
import { InMemorySessionStore } from "./sessions.js";

export interface InMemoryStores {
  forms: InMemoryFormStore;
  interactions: InMemoryInteractionStore;
  sessions: InMemorySessionStore;
  actionItems: InMemoryActionItemStore;
  history: InMemoryHistoryStore;
  versions: InMemoryVersionStore;
  disputes: InMemoryDisputeStore;
  calibrations: InMemoryCalibrationStore;
  policies: InMemoryPolicyStore;
  operations: InMemoryOperationStore;
  analytics: InMemoryAnalyticsStore;
}

export function createInMemoryStores(): InMemoryStores {
  const sessions = new InMemorySessionStore();
  return {
    forms: new InMemoryFormStore(),
    interactions: new InMemoryInteractionStore(),
    sessions,
    actionItems: new InMemoryActionItemStore(),
    history: new InMemoryHistoryStore(),
    versions: new InMemoryVersionStore(),
    disputes: new InMemoryDisputeStore(),
    calibrations: new InMemoryCalibrationStore(sessions),
    policies: new InMemoryPolicyStore(),
    operations: new InMemoryOperationStore(),
    analytics: new InMemoryAnalyticsStore(),
  };
}
