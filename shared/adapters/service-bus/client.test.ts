import { describe, expect, it } from "vitest";
import { createServiceBusClient } from "./client.js";

const base = { DEPENDENCY_MAX_RETRIES: 2 } as const;

describe("createServiceBusClient", () => {
  it("returns no client when neither a namespace nor a connection string is configured", () => {
    expect(createServiceBusClient(base)).toBeUndefined();
  });

  it("connects to the configured namespace with the shared Azure credential", async () => {
    const client = createServiceBusClient({
      ...base,
      ServiceBusConnection__fullyQualifiedNamespace: "qm-events.servicebus.windows.net",
    });
    try {
      expect(client?.fullyQualifiedNamespace).toBe("qm-events.servicebus.windows.net");
    } finally {
      await client?.close();
    }
  });

  it("prefers a configured connection string (local runs) over the namespace", async () => {
    const client = createServiceBusClient({
      ...base,
      ServiceBusConnection:
        "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=local;SharedAccessKey=secret;UseDevelopmentEmulator=true",
      ServiceBusConnection__fullyQualifiedNamespace: "qm-events.servicebus.windows.net",
    });
    try {
      expect(client?.fullyQualifiedNamespace).toBe("127.0.0.1");
    } finally {
      await client?.close();
    }
  });
});
