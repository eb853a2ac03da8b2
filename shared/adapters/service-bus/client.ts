// The process's Service Bus client for the completion topic: managed identity and the
// namespace in Azure; a connection string only locally (tests, the emulator). Without either
// setting there is no client, and the local host publishes to its in-process topic instead.
import { RetryMode, ServiceBusClient, type ServiceBusClientOptions } from "@azure/service-bus";
import type { Config } from "../../config.js";
import { azureCredential } from "../credential.js";

type ServiceBusSettings = Pick<
  Config,
  | "ServiceBusConnection"
  | "ServiceBusConnection__fullyQualifiedNamespace"
  | "DEPENDENCY_MAX_RETRIES"
>;

export function createServiceBusClient(config: ServiceBusSettings): ServiceBusClient | undefined {
  const options: ServiceBusClientOptions = {
    // The SDK's defaults wait a fixed 30 s between attempts, which would hold a completing
    // request for minutes; short exponential backoff instead, and the outbox sweep republishes
    // whatever still fails.
    retryOptions: {
      maxRetries: config.DEPENDENCY_MAX_RETRIES,
      mode: RetryMode.Exponential,
      retryDelayInMs: 250,
      maxRetryDelayInMs: 4_000,
      timeoutInMs: 30_000,
    },
  };
  // A configured connection string is an explicit local choice, so it wins; Azure deployments
  // never set it (local auth is disabled there).
  if (config.ServiceBusConnection) {
    return new ServiceBusClient(config.ServiceBusConnection, options);
  }
  const namespace = config.ServiceBusConnection__fullyQualifiedNamespace;
  if (namespace) {
    return new ServiceBusClient(namespace, azureCredential(), options);
  }
  return undefined;
}
