import type { Window } from "../../domain/analytics-window.js";
import { inWindow } from "../../domain/analytics-window.js";
import {
  calibrationSessionOf,
  type Calibration,
  type CalibrationSession,
} from "../../domain/calibration.js";
import type {
  CalibrationSessionState,
  CalibrationStore,
  Page,
  PageRequest,
  Stored,
} from "../../ports.js";
import { calibrationListIdentity } from "../continuation.js";
import { MemoryCollection } from "./collection.js";
import type { InMemorySessionStore } from "./sessions.js";

/** Calibration documents, and the calibration reads over the in-memory sessions. */
export class InMemoryCalibrationStore implements CalibrationStore {
  private readonly calibrations = new MemoryCollection<Calibration>("calibrations");

  constructor(private readonly sessions: InMemorySessionStore) {}

  async get(tenantId: string, id: string): Promise<Stored<Calibration> | undefined> {
    return Promise.resolve(this.calibrations.get(tenantId, id));
  }

  async createIfAbsent(
    calibration: Calibration,
  ): Promise<{ stored: Stored<Calibration>; created: boolean }> {
    return Promise.resolve(this.calibrations.createOrGet(calibration));
  }

  async replace(calibration: Calibration, etag: string): Promise<Stored<Calibration>> {
    return Promise.resolve(this.calibrations.replace(calibration, etag));
  }

  // async: a refused continuation token must reject the promise, not throw synchronously.
  async list(tenantId: string, page: PageRequest): Promise<Page<Calibration>> {
    return Promise.resolve(
      this.calibrations.page(
        calibrationListIdentity(tenantId),
        () => true,
        [
          { value: (c) => c.createdAt, descending: true },
          { value: (c) => c.id, descending: true },
        ],
        page,
        (c) => c,
      ),
    );
  }

  private ofTenant(tenantId: string): CalibrationSession[] {
    return this.sessions
      .documents(tenantId)
      .filter((s) => s.calibrationId !== undefined)
      .map(calibrationSessionOf);
  }

  async sessionsOf(tenantId: string, calibrationId: string): Promise<CalibrationSession[]> {
    return Promise.resolve(
      this.ofTenant(tenantId).filter((s) => s.calibrationId === calibrationId),
    );
  }

  async statesOf(
    tenantId: string,
    calibrationIds: readonly string[],
  ): Promise<CalibrationSessionState[]> {
    const ids = new Set(calibrationIds);
    return Promise.resolve(
      this.ofTenant(tenantId)
        .filter((s) => ids.has(s.calibrationId))
        .map(({ calibrationId, state, archived }) => ({ calibrationId, state, archived })),
    );
  }

  async completedIn(tenantId: string, window: Window): Promise<CalibrationSession[]> {
    return Promise.resolve(
      this.ofTenant(tenantId).filter(
        (s) => s.state === "Completed" && inWindow(s.completedAt, window),
      ),
    );
  }
}
