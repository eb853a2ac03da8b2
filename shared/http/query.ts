// Query-string schemas shared by list endpoints. Values arrive as strings; they are parsed by
// schema, never with Boolean(...) ("false" is truthy).
import { z } from "zod";

export const booleanString = z.enum(["true", "false"]).transform((v) => v === "true");

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  continuationToken: z.string().min(1).max(8192).optional(),
});
