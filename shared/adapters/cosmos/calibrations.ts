// Calibrations: their documents in the `calibrations` container, and the reads of their sessions
// in the `sessions` container (one query each, projected to what the statistics need).
import type { Container, SqlQuerySpec } from "@azure/cosmos";
import { z } from "zod";
import type { Window } from "../../domain/analytics-window.js";
import {
  calibrationSchema,
  calibrationSessionSchema,
  type Calibration,
  type CalibrationSession,
} from "../../domain/calibration.js";
import { isValidId } from "../../domain/ids.js";
import { storedStates } from "../../domain/model.js";
import type * as ports from "../../ports.js";
import { calibrationListIdentity } from "../continuation.js";
import { containerNames } from "./containers.js";
import { CosmosContainer, newestFirst, toStored, type CosmosStoreOptions } from "./requests.js";
import { completedInQuery } from "./sessions.js";

/** What the statistics read of a session: no form snapshots, no outbox. */
const SESSION_SELECT =
  "SELECT c.id, c.calibrationId, c.evaluatorId, c.state, c.archived, c.dueDate, c.completedAt, " +
  "c.answers, c.scores.session AS score";

/** Far above any calibration's sessions, so that one read is one page. */
const SESSIONS_PER_PAGE = 1000;

const stateSchema = z.object({
  calibrationId: z.string(),
  state: z.enum(storedStates),
  archived: z.boolean(),
});

export class CosmosCalibrationStore implements ports.CalibrationStore {
  private readonly calibrations: CosmosContainer;
  private readonly sessions: CosmosContainer;

  constructor(calibrations: Container, sessions: Container, options: CosmosStoreOptions = {}) {
    this.calibrations = new CosmosContainer(calibrations, containerNames.calibrations, options);
    this.sessions = new CosmosContainer(sessions, containerNames.sessions, options);
  }

  async get(tenantId: string, id: string): Promise<ports.Stored<Calibration> | undefined> {
    if (!isValidId(id)) return undefined;
    const resource = await this.calibrations.read(tenantId, id);
    return resource === undefined ? undefined : toStored(calibrationSchema, resource);
  }

  async createIfAbsent(
    calibration: Calibration,
  ): Promise<{ stored: ports.Stored<Calibration>; created: boolean }> {
    const { resource, created } = await this.calibrations.createOrRead(calibration, "Calibration");
    return { stored: toStored(calibrationSchema, resource), created };
  }

  async replace(calibration: Calibration, etag: string): Promise<ports.Stored<Calibration>> {
    return toStored(calibrationSchema, await this.calibrations.replace(calibration, etag));
  }

  async list(tenantId: string, page: ports.PageRequest): Promise<ports.Page<Calibration>> {
    const result = await this.calibrations.queryPage(
      newestFirst(tenantId, [], {}),
      calibrationListIdentity(tenantId),
      page,
    );
    return {
      items: result.resources.map((r) => calibrationSchema.parse(r)),
      continuationToken: result.continuationToken,
    };
  }

  private async sessionRows(spec: SqlQuerySpec, tenantId: string): Promise<unknown[]> {
    return this.sessions.queryAll(spec, tenantId, SESSIONS_PER_PAGE);
  }

  async sessionsOf(tenantId: string, calibrationId: string): Promise<CalibrationSession[]> {
    const rows = await this.sessionRows(
      {
        query: `${SESSION_SELECT} FROM c WHERE c.tenantId = @tenantId AND c.calibrationId = @calibrationId`,
        parameters: [
          { name: "@tenantId", value: tenantId },
          { name: "@calibrationId", value: calibrationId },
        ],
      },
      tenantId,
    );
    return rows.map((r) => calibrationSessionSchema.parse(r));
  }

  async statesOf(
    tenantId: string,
    calibrationIds: readonly string[],
  ): Promise<ports.CalibrationSessionState[]> {
    if (calibrationIds.length === 0) return [];
    const rows = await this.sessionRows(
      {
        query:
          "SELECT c.calibrationId, c.state, c.archived FROM c " +
          "WHERE c.tenantId = @tenantId AND ARRAY_CONTAINS(@ids, c.calibrationId)",
        parameters: [
          { name: "@tenantId", value: tenantId },
          { name: "@ids", value: [...calibrationIds] },
        ],
      },
      tenantId,
    );
    return rows.map((r) => stateSchema.parse(r));
  }

  async completedIn(tenantId: string, window: Window): Promise<CalibrationSession[]> {
    const rows = await this.sessionRows(
      completedInQuery(tenantId, window, SESSION_SELECT, "c.type = 'Calibration'"),
      tenantId,
    );
    return rows.map((r) => calibrationSessionSchema.parse(r));
  }
}
