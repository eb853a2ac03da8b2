// In-memory stores with the Cosmos adapters' behaviour (etags, 409/412, order, filters, tokens),
// for unit tests and the throughput benchmark. test/stores.contract.test.ts holds both to it.
import { InMemoryAnalyticsStore } from "./analytics.js";
import { InMemoryActionItemStore } from "./action-items.js";
import { InMemoryFormStore } from "./forms.js";
import { InMemoryInteractionStore } from "./interactions.js";
import { InMemoryHistoryStore, InMemoryVersionStore } from "./history.js";
import { InMemorySessionStore } from "./sessions.js";

export interface InMemoryStores {
  forms: InMemoryFormStore;
  interactions: InMemoryInteractionStore;
  sessions: InMemorySessionStore;
  actionItems: InMemoryActionItemStore;
  history: InMemoryHistoryStore;
  versions: InMemoryVersionStore;
  analytics: InMemoryAnalyticsStore;
}

export function createInMemoryStores(): InMemoryStores {
  return {
    forms: new InMemoryFormStore(),
    interactions: new InMemoryInteractionStore(),
    sessions: new InMemorySessionStore(),
    actionItems: new InMemoryActionItemStore(),
    history: new InMemoryHistoryStore(),
    versions: new InMemoryVersionStore(),
    analytics: new InMemoryAnalyticsStore(),
  };
}
