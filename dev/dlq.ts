// `npm run dlq -- list|show|replay [--subscription S] [--id M]`: the dead-letter queues of the
// events topic's subscriptions. Against the local host by default (--host), against Azure
// Service Bus with --namespace (Entra ID: `az login`, or a managed identity). See
// docs/operations.md for the runbook of a failing consumer.
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ServiceBusClient } from "@azure/service-bus";
import { azureCredential } from "../shared/adapters/credential.js";
import {
  DeadLetterError,
  localDeadLetters,
  serviceBusDeadLetters,
  type DeadLetterEntry,
  type DeadLetterQueues,
} from "./dead-letters.js";

const usage = [
  "Usage: npm run dlq -- list|show|replay [--subscription S] [--id M] [--json]",
  "  list     every dead-lettered message (of one subscription with --subscription)",
  "  show     one message in full: --subscription S --id M",
  "  replay   send it to the topic again with the same messageId: --subscription S --id M",
  "Where:",
  "  --host URL         a local host's API (default http://localhost:7071/api)",
  "  --namespace NS     Azure Service Bus instead (NS.servicebus.windows.net), signed in with Entra ID",
  "  --topic T          the events topic (default evaluation-sessions)",
  "  --duplicate-window MINUTES   the topic's duplicate detection window (default 60, as deployed)",
].join("\n");

export interface DlqOutput {
  out(line: string): void;
  err(line: string): void;
}

const commands = ["list", "show", "replay"] as const;
type Command = (typeof commands)[number];
const isCommand = (value: string | undefined): value is Command =>
  commands.some((c) => c === value);

/** The subscriptions the service registers (shared/registry.ts), for a list of all of them. */
async function registeredSubscriptions(): Promise<string[]> {
  await import("../functions/index.js");
  const { registeredFunctions } = await import("../shared/registry.js");
  return registeredFunctions().flatMap((f) =>
    f.kind === "serviceBus" ? [f.subscriptionName] : [],
  );
}

function azureQueues(namespace: string, topic: string, windowMinutes: number): DeadLetterQueues {
  const host = namespace.includes(".") ? namespace : `${namespace}.servicebus.windows.net`;
  const client = new ServiceBusClient(host, azureCredential());
  let subscriptions: string[] | undefined;
  const bus = {
    deadLetterReceiver: (subscription: string) =>
      client.createReceiver(topic, subscription, {
        subQueueType: "deadLetter",
        receiveMode: "peekLock",
      }),
    topicSender: () => client.createSender(topic),
    close: () => client.close(),
  };
  const queues = (names: readonly string[]) =>
    serviceBusDeadLetters({
      bus,
      subscriptions: names,
      duplicateWindowMs: windowMinutes * 60_000,
    });
  return {
    async list(subscription) {
      subscriptions ??= subscription ? [] : await registeredSubscriptions();
      return queues(subscriptions).list(subscription);
    },
    replay: (subscription, id) => queues([subscription]).replay(subscription, id),
    close: () => client.close(),
  };
}

function summary(entry: DeadLetterEntry): string {
  const why = entry.errorDescription ? `${entry.reason}: ${entry.errorDescription}` : entry.reason;
  return [
    entry.subscription,
    entry.messageId,
    entry.subject,
    `deliveries=${entry.deliveryCount}`,
    entry.at,
    why,
  ].join("  ");
}

export async function runDlq(argv: readonly string[], io: DlqOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        subscription: { type: "string" },
        id: { type: "string" },
        host: { type: "string", default: "http://localhost:7071/api" },
        namespace: { type: "string" },
        topic: { type: "string", default: "evaluation-sessions" },
        "duplicate-window": { type: "string", default: "60" },
        json: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  const windowMinutes = Number(values["duplicate-window"]);
  if (!isCommand(command) || positionals.length > 1 || !(windowMinutes >= 0)) {
    io.err(usage);
    return 2;
  }
  if (command !== "list" && (!values.subscription || !values.id)) {
    io.err(`${command} needs --subscription and --id.\n${usage}`);
    return 2;
  }

  const queues = values.namespace
    ? azureQueues(values.namespace, values.topic, windowMinutes)
    : localDeadLetters(values.host);
  try {
    if (command === "list") {
      const entries = await queues.list(values.subscription);
      if (values.json) io.out(JSON.stringify(entries, null, 2));
      else {
        for (const entry of entries) io.out(summary(entry));
        io.out(`${entries.length} dead-lettered message(s)`);
      }
      return 0;
    }
    const subscription = values.subscription ?? "";
    const id = values.id ?? "";
    if (command === "show") {
      const entry = (await queues.list(subscription)).find((e) => e.messageId === id);
      if (!entry) {
        io.err(`No dead-lettered message ${id} on subscription ${subscription}.`);
        return 1;
      }
      io.out(JSON.stringify(entry, null, 2));
      return 0;
    }
    const replayed = await queues.replay(subscription, id);
    io.out(
      values.json
        ? JSON.stringify({ replayed })
        : `replayed ${replayed.messageId} from ${subscription}: sent to the topic again with ` +
            "the same messageId",
    );
    return 0;
  } catch (error) {
    if (error instanceof DeadLetterError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await queues.close();
  }
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await runDlq(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}
