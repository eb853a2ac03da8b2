// The Cosmos DB implementation of every store port, built once per process from one Database.
import { CosmosAnalyticsStore } from "./analytics.js";
import type { Database } from "@azure/cosmos";
import { CosmosActionItemStore } from "./action-items.js";
import { CosmosCalibrationStore } from "./calibrations.js";
import { containerNames } from "./containers.js";
import { CosmosFormStore } from "./forms.js";
import { CosmosInteractionStore } from "./interactions.js";
import type { CosmosStoreOptions } from "./requests.js";
import { CosmosDisputeStore } from "./disputes.js";
import { CosmosHistoryStore, CosmosVersionStore } from "./history.js";
import { CosmosOperationStore, CosmosPolicyStore } from "./policies.js";
import { CosmosSessionStore } from "./sessions.js";

export { containerDefinitions } from "./containers.js";
export type { CosmosRequestEvent, CosmosStoreOptions } from "./requests.js";

export interface CosmosStores {
  forms: CosmosFormStore;
  interactions: CosmosInteractionStore;
  sessions: CosmosSessionStore;
  actionItems: CosmosActionItemStore;
  history: CosmosHistoryStore;
  versions: CosmosVersionStore;
  disputes: CosmosDisputeStore;
  calibrations: CosmosCalibrationStore;
  policies: CosmosPolicyStore;
  operations: CosmosOperationStore;
  analytics: CosmosAnalyticsStore;
}

export function createCosmosStores(
  database: Database,
  options: CosmosStoreOptions = {},
): CosmosStores {
  return {
    forms: new CosmosFormStore(database.container(containerNames.forms), options),
    interactions: new CosmosInteractionStore(
      database.container(containerNames.interactions),
      options,
    ),
    sessions: new CosmosSessionStore(database.container(containerNames.sessions), options),
    actionItems: new CosmosActionItemStore(database.container(containerNames.actionItems), options),
    history: new CosmosHistoryStore(database.container(containerNames.history), options),
    versions: new CosmosVersionStore(database.container(containerNames.versions), options),
    disputes: new CosmosDisputeStore(database.container(containerNames.disputes), options),
    calibrations: new CosmosCalibrationStore(
      database.container(containerNames.calibrations),
      database.container(containerNames.sessions),
      options,
    ),
    policies: new CosmosPolicyStore(database.container(containerNames.policies), options),
    operations: new CosmosOperationStore(database.container(containerNames.operations), options),
    analytics: new CosmosAnalyticsStore(database.container(containerNames.analytics), options),
  };
}
