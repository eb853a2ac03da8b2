import { describe, expect, it } from "vitest";
import { DependencyUnavailableError } from "../../dependency-errors.js";
import type { Container } from "@azure/cosmos";
import { AppError } from "../../domain/errors.js";
import { CosmosContainer, cosmosStatusOf, newestFirst, toDependencyError } from "./requests.js";

function cosmosError(code: number): Error {
  return Object.assign(new Error(`status ${code}`), { code });
}

describe("Cosmos error mapping", () => {
  it.each([429, 503, 408])("turns status %i that outlived the SDK's retries into a 503", (code) => {
    const mapped = toDependencyError(cosmosError(code), 7);
    expect(mapped).toBeInstanceOf(DependencyUnavailableError);
    expect(mapped).toMatchObject({ dependency: "cosmos", retryAfterSeconds: 7 });
  });

  it("turns the SDK's request timeout and a refused connection into a 503", () => {
    const timeout = Object.assign(new Error("Timeout Error"), {
      name: "TimeoutError",
      code: "TimeoutError",
    });
    const refused = Object.assign(new Error("connect"), { code: "ECONNREFUSED" });
    expect(toDependencyError(timeout, 5)).toBeInstanceOf(DependencyUnavailableError);
    expect(toDependencyError(refused, 5)).toBeInstanceOf(DependencyUnavailableError);
  });

  it.each([400, 404, 409, 412])(
    "leaves status %i to the store that knows what it means",
    (code) => {
      const error = cosmosError(code);
      expect(toDependencyError(error, 5)).toBe(error);
    },
  );

  it("F10: a write Cosmos refuses as too large (413) is a 413 problem, not a 500", async () => {
    const refuse = () => Promise.reject(cosmosError(413));
    const container = {
      items: { create: refuse },
      item: () => ({ replace: refuse, patch: refuse }),
    } as unknown as Container;
    const sessions = new CosmosContainer(container, "sessions");
    const doc = { tenantId: "t1", id: "s1" };
    for (const write of [
      () => sessions.create(doc),
      () => sessions.replace(doc, '"e"'),
      () => sessions.patch("t1", "s1", [], '"e"'),
    ]) {
      await expect(write()).rejects.toSatisfy(
        (error) => error instanceof AppError && error.code === "PAYLOAD_TOO_LARGE",
      );
    }
  });

  it("reads the status from code or statusCode", () => {
    expect(cosmosStatusOf({ code: 412 })).toBe(412);
    expect(cosmosStatusOf({ statusCode: 409 })).toBe(409);
    expect(cosmosStatusOf({ code: "ECONNRESET" })).toBeUndefined();
    expect(cosmosStatusOf("boom")).toBeUndefined();
  });
});

describe("newestFirst", () => {
  it("Finding 7: filters on the fields given and orders by the sort field, createdAt unless named", () => {
    const fields = ["status", "agentId"] as const;
    expect(newestFirst("t1", fields, { agentId: "a1" })).toEqual({
      query:
        "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.agentId = @agentId " +
        "ORDER BY c.tenantId, c.createdAt DESC, c.id DESC",
      parameters: [
        { name: "@tenantId", value: "t1" },
        { name: "@agentId", value: "a1" },
      ],
    });
    expect(newestFirst("t1", fields, { status: "Open" }, "raisedAt").query).toBe(
      "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.status = @status " +
        "ORDER BY c.tenantId, c.raisedAt DESC, c.id DESC",
    );
  });
});
