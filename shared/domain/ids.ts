import { z } from "zod";

const pattern = /^[A-Za-z0-9_-]{1,64}$/;
/** Names that would reach an object's prototype if ever used as a key. */
const reserved = new Set(["__proto__", "constructor", "prototype"]);

export function isValidId(value: string): boolean {
  return pattern.test(value) && !reserved.has(value);
}

/** Ids in paths and client-chosen ids in bodies: `^[A-Za-z0-9_-]{1,64}$`, never a prototype key. */
export const idSchema = z
  .string()
  .refine(isValidId, { message: "must match ^[A-Za-z0-9_-]{1,64}$ and not be a reserved name" });
