// GET /api/health over in-memory adapters: what an anonymous caller learns, and how often the
// dependencies are asked.
import { describe, expect, it } from "vitest";
import { setServices } from "../shared/services.js";
import { createTestApp, type TestApp } from "../test/support/harness.js";

const sdkError =
  "Request rate is large. ActivityId: 4b1d..., account qm-contoso-prod.documents.azure.com, " +
  "RequestStartTime: 2026-11-26T10:00:00Z";

/** Installs health checks that count their runs; `fail` says which throw. */
function countingChecks(app: TestApp, fail: ReadonlySet<string> = new Set()) {
  const runs = { cosmos: 0, blob: 0 };
  const check = (name: keyof typeof runs) => () => {
    runs[name] += 1;
    return fail.has(name) ? Promise.reject(new Error(sdkError)) : Promise.resolve();
  };
  setServices({ ...app.services, healthChecks: { cosmos: check("cosmos"), blob: check("blob") } });
  return runs;
}

describe("GET /api/health", () => {
  it("F9: answers ok or unavailable per check, logs why, and never shows the error", async () => {
    const app = await createTestApp();
    countingChecks(app, new Set(["cosmos"]));
    const res = await app.call("health");
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");
    expect(res.json).toEqual({
      status: "unavailable",
      checks: { cosmos: "unavailable", blob: "ok" },
    });
    expect(JSON.stringify(res.json)).not.toMatch(/rate|qm-contoso|ActivityId/);
    expect(app.logs.some((line) => line.includes("cosmos") && line.includes("qm-contoso"))).toBe(
      true,
    );
  });

  it("F9: asks the dependencies at most once per 10 seconds, however many callers", async () => {
    const app = await createTestApp();
    const runs = countingChecks(app);
    const first = await Promise.all([app.call("health"), app.call("health"), app.call("health")]);
    expect(first.map((r) => r.status)).toEqual([200, 200, 200]);
    app.clock.advance(9_999);
    expect((await app.call("health")).json).toEqual({
      status: "ok",
      checks: { cosmos: "ok", blob: "ok" },
    });
    expect(runs).toEqual({ cosmos: 1, blob: 1 });
    app.clock.advance(1);
    await app.call("health");
    expect(runs).toEqual({ cosmos: 2, blob: 2 });
  });
});
