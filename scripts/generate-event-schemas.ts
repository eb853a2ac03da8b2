// Writes docs/events/*.schema.json from the zod schemas the consumers validate with
// (shared/domain/events.ts), so the published contract cannot drift from the code.
// `npm run events:schemas` rewrites them; `-- --check` only reports a difference (exit 1).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format, resolveConfig } from "prettier";
import { z } from "zod";
import {
  archivedEventSchema,
  completedEventSchema,
  disputeResolvedEventSchema,
  disputeWithdrawnEventSchema,
  disputedEventSchema,
  eventTypes,
  rescoredEventSchema,
  type EventKind,
} from "../shared/domain/events.js";
import { idPattern, idSchema } from "../shared/domain/ids.js";

export const eventSchemasDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "docs",
  "events",
);

const schemas: Record<EventKind, { schema: z.ZodType; description: string }> = {
  completed: {
    schema: completedEventSchema,
    description:
      "An evaluation session was completed. Subscriptions `tagging` and `notifications` receive only this type.",
  },
  rescored: {
    schema: rescoredEventSchema,
    description:
      "The answers of a completed session changed (an edit or an accepted dispute): the completed data with the new score, plus previousScore, editedBy, editedAt, version, previousVersion, cause and reason.",
  },
  archived: {
    schema: archivedEventSchema,
    description: "An evaluation session was archived (it is read-only from now on).",
  },
  disputed: {
    schema: disputedEventSchema,
    description:
      "An agent (or an Administrator for them) disputed questions of a completed session's version.",
  },
  "dispute-withdrawn": {
    schema: disputeWithdrawnEventSchema,
    description: "A dispute was withdrawn before it was resolved.",
  },
  "dispute-resolved": {
    schema: disputeResolvedEventSchema,
    description:
      "A dispute was resolved: how many items were accepted and rejected, and the session's version after. The `notifications` subscription receives it (and `completed`).",
  },
};

export const eventSchemaFileName = (kind: EventKind): string => `${kind}.v1.schema.json`;

/**
 * One JSON Schema (draft 2020-12) per event type, as the exact text of its file (formatted like
 * the rest of the repository, so `prettier --check .` agrees with the generator).
 */
export async function eventSchemaFiles(): Promise<Map<string, string>> {
  const prettierOptions = (await resolveConfig(join(eventSchemasDir, "x.json"))) ?? {};
  const files = new Map<string, string>();
  for (const [kind, { schema, description }] of Object.entries(schemas) as [
    EventKind,
    (typeof schemas)[EventKind],
  ][]) {
    const json = z.toJSONSchema(schema, {
      // The input side: what a message may contain. Unknown properties stay allowed, so a field
      // added within v1 does not break a subscriber that validates with this schema.
      io: "input",
      override: ({ zodSchema, jsonSchema }) => {
        // A refinement has no JSON Schema form, so state the id rule it checks (ids.ts) as a
        // pattern: the id characters, and never one of the names that reach a prototype.
        if (zodSchema === idSchema) jsonSchema.pattern = idPattern.source;
      },
    });
    const document = {
      $schema: json.$schema,
      title: eventTypes[kind],
      description,
      ...json,
    };
    const text = await format(JSON.stringify(document), { ...prettierOptions, parser: "json" });
    files.set(eventSchemaFileName(kind), text);
  }
  return files;
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes("--check");
  let stale = 0;
  for (const [name, text] of await eventSchemaFiles()) {
    const path = join(eventSchemasDir, name);
    let current: string | undefined;
    try {
      current = readFileSync(path, "utf8");
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    stale++;
    if (check) console.error(`${path} differs from the zod schema; run npm run events:schemas`);
    else {
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  if (stale === 0) console.log("event schemas are up to date");
  return check && stale > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
