// Local data that survives a restart. cosmosdb-server keeps its documents in memory, so the
// local host writes every container to one JSON file under the data folder: every few seconds
// after a write, and once more when it stops; at start it loads the file back. A crash loses
// at most the writes of the last interval. Documents go in and out through the Cosmos SDK, so
// the file holds exactly what the service stored (less Cosmos's own `_` fields, which the
// stand-in sets again on load).
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { createCosmosClient, database } from "../shared/adapters/cosmos/client.js";
import { containerNames } from "../shared/adapters/cosmos/containers.js";
import type { Config } from "../shared/config.js";

const snapshotSchema = z.object({
  version: z.literal(1),
  savedAt: z.string(),
  containers: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
});

export interface CosmosSnapshots {
  /** How many documents the start-up load put back (0: the store started empty). */
  readonly loaded: number;
  /** Something may have written: the next tick saves (if the data changed). */
  markDirty(): void;
  /** Saves now if the data changed since the last save. */
  save(): Promise<void>;
  /** Saves a last time and stops the timer. */
  stop(): Promise<void>;
}

export interface CosmosSnapshotOptions {
  file: string;
  /** Ignore the file at start: the store starts empty (`npm start -- --fresh`). */
  fresh: boolean;
  intervalMs?: number;
  log: (line: string) => void;
}

/** Cosmos's system properties: the stand-in assigns them again when a document is created. */
const systemProperty = /^_(rid|self|etag|attachments|ts)$/;

function withoutSystemProperties(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !systemProperty.test(key)));
}

const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  `${String(a.tenantId)}/${String(a.id)}`.localeCompare(`${String(b.tenantId)}/${String(b.id)}`);

async function readSnapshot(file: string): Promise<z.output<typeof snapshotSchema> | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = snapshotSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `${file} is not a snapshot of the local Cosmos data (${parsed.error.issues[0]?.message}); ` +
        "move it away or start with --fresh.",
    );
  return parsed.data;
}

/** Loads the snapshot into the (empty) stand-in and starts saving. */
export async function startCosmosSnapshots(
  config: Config,
  options: CosmosSnapshotOptions,
): Promise<CosmosSnapshots> {
  const client = createCosmosClient(config);
  const db = database(client, config);
  const containers: readonly string[] = Object.values(containerNames);

  let loaded = 0;
  const snapshot = options.fresh ? undefined : await readSnapshot(options.file);
  for (const [name, docs] of Object.entries(snapshot?.containers ?? {})) {
    if (!containers.includes(name)) continue;
    const container = db.container(name);
    // A few at a time: the stand-in runs in this process and serves one request at a time anyway.
    for (let i = 0; i < docs.length; i += 16) {
      await Promise.all(docs.slice(i, i + 16).map((doc) => container.items.create(doc)));
    }
    loaded += docs.length;
  }

  async function dump(): Promise<string> {
    const result: Record<string, Record<string, unknown>[]> = {};
    for (const name of containers) {
      const { resources } = await db
        .container(name)
        .items.readAll<Record<string, unknown>>()
        .fetchAll();
      result[name] = resources.map(withoutSystemProperties).sort(byKey);
    }
    return JSON.stringify(result);
  }

  let lastSaved = options.fresh ? undefined : JSON.stringify(snapshot?.containers ?? {});
  let dirty = false;
  let saving: Promise<void> | undefined;

  async function saveIfChanged(): Promise<void> {
    dirty = false;
    const data = await dump();
    if (data === lastSaved) return;
    await mkdir(dirname(options.file), { recursive: true });
    // Written aside and renamed over the old file: a crash mid-write never leaves half a file.
    const temporary = `${options.file}.tmp`;
    const text = `{"version":1,"savedAt":${JSON.stringify(new Date().toISOString())},"containers":${data}}\n`;
    await writeFile(temporary, text);
    await rename(temporary, options.file);
    lastSaved = data;
  }

  const save = (): Promise<void> => {
    saving ??= saveIfChanged().finally(() => (saving = undefined));
    return saving;
  };

  const timer = setInterval(() => {
    if (!dirty || saving) return;
    save().catch((error: unknown) =>
      options.log(`cosmos snapshot: could not save ${options.file}: ${String(error)}`),
    );
  }, options.intervalMs ?? 2_000);
  timer.unref();

  return {
    loaded,
    markDirty: () => {
      dirty = true;
    },
    save: async () => {
      await saving?.catch(() => undefined);
      await save();
    },
    stop: async () => {
      clearInterval(timer);
      try {
        await saving?.catch(() => undefined);
        await save();
      } finally {
        client.dispose();
      }
    },
  };
}
