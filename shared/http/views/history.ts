// A session's history entries and versions as the API shows them (docs/api.md "History and
// versions"): the stored shapes, which hold nothing internal.
import { z } from "zod";
import { historyEntrySchema, versionSnapshotSchema } from "../../domain/model.js";

export const historyEntryViewSchema = historyEntrySchema.meta({
  id: "HistoryEntry",
  description: "One user write: the revision it made, who, what changed and the score's move.",
});

export const versionSummaryViewSchema = versionSnapshotSchema
  .omit({ answers: true, scores: true })
  .extend({ retractedAt: z.string().optional() })
  .meta({ id: "VersionSummary", description: "A version; only the newest has no retractedAt." });

export const versionViewSchema = versionSnapshotSchema.meta({
  id: "Version",
  description: "What the evaluation said at this version: its answers and scores.",
});

/** A version in the list: what it is, without its answers. */
export function versionSummary(
  version: z.output<typeof versionSnapshotSchema> & { retractedAt?: string },
): z.output<typeof versionSummaryViewSchema> {
  const { answers: _a, scores: _s, ...summary } = version;
  return summary;
}
