// The process's services: settings, clients and adapters, built once and shared by every
// invocation. Hosts and tests may install their own (in-memory adapters) before any call.
import type { Config } from "./config.js";
import type {
  ActionItemStore,
  AnalyticsStore,
  BlobStore,
  CalibrationStore,
  Clock,
  EventPublisher,
  FormStore,
  Background,
  DisputeStore,
  HealthCheck,
  HistoryStore,
  InteractionStore,
  OperationStore,
  PolicyStore,
  SessionStore,
  TokenVerifier,
  VersionStore,
} from "./ports.js";

export interface Services {
  readonly config: Config;
  readonly clock: Clock;
  readonly verifyToken: TokenVerifier;
  /** Reachability checks reported by GET /api/health, by name. */
  readonly healthChecks: Readonly<Record<string, HealthCheck>>;
  readonly forms: FormStore;
  readonly interactions: InteractionStore;
  readonly sessions: SessionStore;
  readonly actionItems: ActionItemStore;
  /** History entries and version snapshots, once moved out of their sessions. */
  readonly history: HistoryStore;
  readonly versions: VersionStore;
  /** The disputes list (a projection the outbox keeps of the disputes in sessions). */
  readonly disputes: DisputeStore;
  /** Evaluation policies and the operations their runs record progress in. */
  readonly policies: PolicyStore;
  readonly operations: OperationStore;
  /** The analytics read model, fed by the `analytics` subscription. */
  readonly analytics: AnalyticsStore;
  /** Work that runs right after the response (the outbox); the sweep finishes what it misses. */
  readonly background: Background;
  readonly calibrations: CalibrationStore;
  /** The completion topic (Service Bus in Azure, the local host's in-process topic locally). */
  readonly publisher: EventPublisher;
  /** Media and exports (Blob Storage). */
  readonly blobs: BlobStore;
}

let current: Services | undefined;
let factory: (() => Services) | undefined;

/** The process's services, built on first use by the installed factory. */
export function getServices(): Services {
  if (!current) {
    if (!factory)
      throw new Error("No services factory installed (import shared/composition.ts first).");
    current = factory();
  }
  return current;
}

/** Installs how services are built (the composition root calls this on import). */
export function setServicesFactory(build: () => Services): void {
  factory = build;
  current = undefined;
}

/** Installs ready-made services (tests, the local host). */
export function setServices(services: Services): void {
  current = services;
}
