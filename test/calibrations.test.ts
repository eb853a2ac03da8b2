// Calibrations over real HTTP against the local host (cosmosdb-server): joins racing for one
// calibration keep one session per evaluator, first sessions racing make one calibration, and
// Krippendorff's published example comes back as 0.743.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  answersOf,
  calibrationForm,
  observers,
  publishedExample,
} from "./support/calibration-fixtures.js";
import { callerWith, tokenFor, type ApiResponse } from "./support/http.js";

const tenantId = `calibrations-${randomUUID().slice(0, 8)}`;
const tokens = new Map<string, string>();
const call = callerWith(tokens);
let formId = "";
const RACERS = 5;

beforeAll(async () => {
  tokens.set("admin", await tokenFor({ tenantId, userId: "admin-1", roles: ["QM.Administrator"] }));
  for (const userId of observers) {
    tokens.set(userId, await tokenFor({ tenantId, userId, roles: ["QM.Evaluator"] }));
  }
  formId = (await call<{ id: string }>("admin", "POST", "forms", calibrationForm(12))).json.id;
});

async function ingest(): Promise<string> {
  const res = await call<{ id: string }>("admin", "POST", "interactions", {
    externalId: `cal-${randomUUID()}`,
    agentId: "agent-cal",
    startedAt: "2026-11-01T10:00:00.000Z",
    durationSeconds: 60,
    channel: "voice",
  });
  expect(res.status).toBe(201);
  return res.json.id;
}

const join = (calibrationId: string, evaluatorId: string, interactionId: string) =>
  call<{ id: string; status: string }>("admin", "POST", "sessions", {
    name: "Calibration",
    type: "Calibration",
    calibrationId,
    formIds: [formId],
    evaluatorId,
    dueDate: "2030-01-01T00:00:00Z",
    interaction: { mode: "manual", interactionId },
  });

const statuses = (responses: ApiResponse[]) =>
  responses.map((r) => `${r.status} ${(r.json as { code?: string }).code ?? ""}`.trim()).sort();

const participants = async (calibrationId: string) =>
  (
    await call<{ participants: { evaluatorId: string }[] }>(
      "admin",
      "GET",
      `calibrations/${calibrationId}`,
    )
  ).json.participants
    .map((p) => p.evaluatorId)
    .sort();

describe("joining a calibration concurrently", () => {
  it("two concurrent joins of one evaluator: exactly one 201 and one 409 CALIBRATION_DUPLICATE", async () => {
    const calibrationId = `cal-${randomUUID().slice(0, 8)}`;
    const interactionId = await ingest();
    expect((await join(calibrationId, "ann", interactionId)).status).toBe(201);
    for (let round = 0; round < 3; round++) {
      const evaluatorId = `twice-${round}`;
      const results = await Promise.all([
        join(calibrationId, evaluatorId, interactionId),
        join(calibrationId, evaluatorId, interactionId),
      ]);
      expect(statuses(results)).toEqual(["201", "409 CALIBRATION_DUPLICATE"]);
    }
    const sessions = await call<{ items: { evaluatorId: string }[] }>(
      "admin",
      "GET",
      `sessions?calibrationId=${calibrationId}&limit=200`,
    );
    expect(sessions.json.items.map((s) => s.evaluatorId).sort()).toEqual([
      "ann",
      "twice-0",
      "twice-1",
      "twice-2",
    ]);
  });

  it("many concurrent joins of one evaluator: one session", async () => {
    const calibrationId = `cal-${randomUUID().slice(0, 8)}`;
    const interactionId = await ingest();
    expect((await join(calibrationId, "ann", interactionId)).status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: RACERS }, () => join(calibrationId, "ben", interactionId)),
    );
    expect(statuses(results)).toEqual([
      "201",
      ...Array.from({ length: RACERS - 1 }, () => "409 CALIBRATION_DUPLICATE"),
    ]);
    expect(await participants(calibrationId)).toEqual(["ann", "ben"]);
  });

  it("concurrent joins of different evaluators all get their session", async () => {
    const calibrationId = `cal-${randomUUID().slice(0, 8)}`;
    const interactionId = await ingest();
    expect((await join(calibrationId, "ann", interactionId)).status).toBe(201);
    const names = Array.from({ length: RACERS }, (_, i) => `e${i}`);
    const results = await Promise.all(names.map((n) => join(calibrationId, n, interactionId)));
    expect(statuses(results)).toEqual(names.map(() => "201"));
    expect(await participants(calibrationId)).toEqual(["ann", ...names]);
  });

  it("concurrent first sessions make one calibration; one on another interaction is a mismatch and gives it back", async () => {
    const calibrationId = `cal-${randomUUID().slice(0, 8)}`;
    const shared = await ingest();
    const other = await ingest();
    const results = await Promise.all([
      join(calibrationId, "ann", shared),
      join(calibrationId, "ben", shared),
      join(calibrationId, "cat", shared),
      join(calibrationId, "dan", other),
    ]);
    const [ann, ben, cat, dan] = results;
    const onShared = [ann, ben, cat].map((r) => r?.status);
    if (dan?.status === 201) {
      // dan's interaction made the calibration: the others mismatch.
      expect(statuses([ann, ben, cat] as ApiResponse[])).toEqual(
        Array.from({ length: 3 }, () => "409 CALIBRATION_MISMATCH"),
      );
    } else {
      expect(onShared).toEqual([201, 201, 201]);
      expect(statuses([dan as ApiResponse])).toEqual(["409 CALIBRATION_MISMATCH"]);
      expect(await participants(calibrationId)).toEqual(["ann", "ben", "cat"]);
      // The loser's interaction is free again: another session takes it.
      const free = await call("admin", "POST", "sessions", {
        name: "After",
        type: "Distributed",
        formIds: [formId],
        evaluatorId: "ann",
        dueDate: "2030-01-01T00:00:00Z",
        interaction: { mode: "manual", interactionId: other },
      });
      expect(free.status).toBe(201);
    }
  });
});

describe("the published example over HTTP", () => {
  it("GET /api/calibrations/{id} gives Krippendorff's 0.743 over 11 units", async () => {
    const calibrationId = `kripp-${randomUUID().slice(0, 8)}`;
    const interactionId = await ingest();
    for (const [i, evaluatorId] of observers.entries()) {
      const created = await join(calibrationId, evaluatorId, interactionId);
      expect(created.status).toBe(201);
      const path = `sessions/${created.json.id}`;
      const saved = await call(
        evaluatorId,
        "PUT",
        `${path}/answers`,
        { answers: answersOf(formId, publishedExample[i] ?? []) },
        created.headers.get("etag") ?? "",
      );
      expect(saved.status).toBe(200);
      const done = await call(
        evaluatorId,
        "POST",
        `${path}/complete`,
        {},
        saved.headers.get("etag") ?? "",
      );
      expect(done.status).toBe(200);
    }
    const res = await call<{
      agreement: { krippendorffAlpha: number; ci95: [number, number]; units: number };
    }>("ann", "GET", `calibrations/${calibrationId}`);
    expect(res.status).toBe(200);
    expect(res.json.agreement.krippendorffAlpha.toFixed(3)).toBe("0.743");
    expect(res.json.agreement.units).toBe(11);
    expect(res.json.agreement.ci95[0]).toBeLessThan(0.743);

    const settings = await call("admin", "PUT", `calibrations/${calibrationId}`, {
      expertEvaluatorId: "ann",
    });
    expect(settings.json).toEqual({ calibrationId, expertEvaluatorId: "ann", blind: true });
    const list = await call<{ items: { calibrationId: string; completed: number }[] }>(
      "admin",
      "GET",
      "calibrations?limit=200",
    );
    expect(list.json.items.find((c) => c.calibrationId === calibrationId)?.completed).toBe(4);
    const quality = await call<{ items: { evaluatorId: string; expertMatchRate: number }[] }>(
      "admin",
      "GET",
      "analytics/evaluators",
    );
    expect(quality.status).toBe(200);
    expect(quality.json.items.find((r) => r.evaluatorId === "cat")?.expertMatchRate).toBeCloseTo(
      5 / 9,
      12,
    );
  });
});
