// Turns untrusted request parts into typed values, or a 400 VALIDATION_FAILED naming each bad path.
import type { HttpRequest } from "@azure/functions";
import type { z } from "zod";
import { AppError, validationFailed, type FieldError } from "../domain/errors.js";

export function zodIssuesToFieldErrors(error: z.ZodError, prefix = ""): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return {
      path: prefix ? (path ? `${prefix}.${path}` : prefix) : path || "(body)",
      message: issue.message,
    };
  });
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix = "",
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(zodIssuesToFieldErrors(result.error, prefix));
  return result.data;
}

export function parseQuery<S extends z.ZodType>(schema: S, query: URLSearchParams): z.output<S> {
  const values: Record<string, string> = {};
  const repeated: FieldError[] = [];
  for (const [key, value] of query) {
    if (key in values) repeated.push({ path: `query.${key}`, message: "must be given once" });
    values[key] = value;
  }
  if (repeated.length > 0) throw validationFailed(repeated);
  return parseWith(schema, values, "query");
}

const jsonMediaType = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;.*)?$/i;

/** Reads and parses a JSON body: 415 for another media type, 413 over the limit, 400 otherwise. */
export async function readJsonBody<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
  maxBytes: number,
): Promise<z.output<S>> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The body exceeds ${maxBytes} bytes.`);
  }
  if (bytes.byteLength === 0) return parseWith(schema, undefined);
  const contentType = request.headers.get("content-type") ?? "";
  if (!jsonMediaType.test(contentType)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "The body must be application/json.");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw validationFailed([{ path: "(body)", message: "is not valid UTF-8" }]);
  }
  let value: unknown;
  let protoKey = false;
  try {
    // zod silently drops a "__proto__" key from records (to protect the prototype), which would
    // turn e.g. an unknown form id in an answers patch into a silent no-op instead of a 400.
    value = JSON.parse(text, (key, v: unknown) => {
      if (key === "__proto__") protoKey = true;
      return v;
    });
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : "malformed JSON";
    throw validationFailed([{ path: "(body)", message: `is not valid JSON: ${reason}` }]);
  }
  if (protoKey) {
    throw validationFailed([{ path: "(body)", message: 'must not contain the key "__proto__"' }]);
  }
  return parseWith(schema, value);
}
