import { describe, expect, it } from "vitest";
import type { CloudEvent } from "../../domain/model.js";
import { toServiceBusMessage } from "./publisher.js";

const event: CloudEvent = {
  specversion: "1.0",
  id: "e1",
  source: "/tenants/t1/evaluation-sessions",
  type: "com.speechminer.evaluationsession.completed.v1",
  subject: "s1",
  time: "2026-01-01T00:00:00.000Z",
  datacontenttype: "application/json",
  data: { tenantId: "t1", sessionId: "s1" },
};

const diagnosticId = (traceParent: string) =>
  toServiceBusMessage(event, traceParent).applicationProperties["Diagnostic-Id"];

describe("toServiceBusMessage", () => {
  it("Finding 9: takes a traceparent as shared/tracing.ts reads one, and sends it in its W3C form", () => {
    const valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    expect(diagnosticId(valid)).toBe(valid);
    expect(diagnosticId(` ${valid.toUpperCase()} `)).toBe(valid);
    // Only version 00 is read; the publisher's own pattern used to take any version.
    expect(diagnosticId(valid.replace(/^00/, "01"))).toBeUndefined();
    expect(diagnosticId("00-00000000000000000000000000000000-b7ad6b7169203331-01")).toBeUndefined();
  });
});
