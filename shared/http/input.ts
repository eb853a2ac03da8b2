// Turns untrusted request parts into typed values, or a 400 VALIDATION_FAILED naming each bad path.
import { Buffer, isUtf8 } from "node:buffer";
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

/**
 * The body's bytes, read from its stream and given up on as soon as they pass `maxBytes` (a body
 * without Content-Length is never buffered beyond the limit). A plain reader loop: on Node 20
 * it costs less than `arrayBuffer()` or `for await` over the same web stream.
 */
async function readBytes(request: HttpRequest, maxBytes: number): Promise<Buffer> {
  // A request body streams bytes; the library types its chunks as `any`.
  const body = request.body as ReadableStream<Uint8Array> | null;
  const reader = body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    length += next.value.byteLength;
    if (length > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("PAYLOAD_TOO_LARGE", `The body exceeds ${maxBytes} bytes.`);
    }
    chunks.push(next.value);
  }
  const [only] = chunks;
  return chunks.length === 1 && only
    ? Buffer.from(only.buffer, only.byteOffset, only.byteLength)
    : Buffer.concat(chunks, length);
}

// JSON can spell a key with escapes ("\u005f_proto__"), so any escape counts as a maybe.
const mayHoldProtoKey = (text: string): boolean =>
  text.includes("__proto__") || text.includes("\\u");

/** Reads and parses a JSON body: 415 for another media type, 413 over the limit, 400 otherwise. */
export async function readJsonBody<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
  maxBytes: number,
): Promise<z.output<S>> {
  const bytes = await readBytes(request, maxBytes);
  if (bytes.byteLength === 0) return parseWith(schema, undefined);
  const contentType = request.headers.get("content-type") ?? "";
  if (!jsonMediaType.test(contentType)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "The body must be application/json.");
  }
  // isUtf8 and toString are native; a `fatal` TextDecoder per request cost more.
  if (!isUtf8(bytes)) throw validationFailed([{ path: "(body)", message: "is not valid UTF-8" }]);
  const text = bytes.toString("utf8");
  let value: unknown;
  let protoKey = false;
  try {
    // zod silently drops a "__proto__" key from records (to protect the prototype), which would
    // turn e.g. an unknown form id in an answers patch into a silent no-op instead of a 400.
    // The reviver that spots it runs only when the text could hold that key.
    value = mayHoldProtoKey(text)
      ? JSON.parse(text, (key, v: unknown) => {
          if (key === "__proto__") protoKey = true;
          return v;
        })
      : JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : "malformed JSON";
    throw validationFailed([{ path: "(body)", message: `is not valid JSON: ${reason}` }]);
  }
  if (protoKey) {
    throw validationFailed([{ path: "(body)", message: 'must not contain the key "__proto__"' }]);
  }
  return parseWith(schema, value);
}
