import { z } from "zod";

const idCharacters = "[A-Za-z0-9_-]{1,64}";
/** Names that would reach an object's prototype if ever used as a key. */
const reserved = ["__proto__", "constructor", "prototype"];

/**
 * The whole id rule as one pattern: the id characters, and never a reserved name. What
 * `isValidId` checks, for documents that can state only a pattern (OpenAPI, JSON Schema).
 */
export const idPattern = new RegExp(`^(?!(?:${reserved.join("|")})$)${idCharacters}$`);

export function isValidId(value: string): boolean {
  return idPattern.test(value);
}

/** Ids in paths and client-chosen ids in bodies: `^[A-Za-z0-9_-]{1,64}$`, never a prototype key. */
export const idSchema = z
  .string()
  .refine(isValidId, { message: "must match ^[A-Za-z0-9_-]{1,64}$ and not be a reserved name" });
