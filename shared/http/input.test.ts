import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../domain/errors.js";
import { readJsonBody } from "./input.js";

const schema = z.record(z.string(), z.unknown()).optional();

function put(body: string | Uint8Array, contentType = "application/json"): HttpRequest {
  return new HttpRequest({
    method: "PUT",
    url: "http://localhost/api/x",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? { string: body } : { bytes: body },
  });
}

/** The AppError code and field messages a read fails with. */
async function failure(request: HttpRequest, maxBytes = 1024): Promise<string> {
  try {
    await readJsonBody(request, schema, maxBytes);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return [error.code, ...(error.errors ?? []).map((e) => `${e.path} ${e.message}`)].join(" | ");
  }
  throw new Error("the body was accepted");
}

describe("readJsonBody", () => {
  it("parses a JSON body with the schema, and an empty body as undefined", async () => {
    expect(await readJsonBody(put('{"a":{"b":1}}'), schema, 1024)).toEqual({ a: { b: 1 } });
    expect(await readJsonBody(put(""), schema, 1024)).toBeUndefined();
  });

  it("refuses a __proto__ key, spelled plainly or with escapes", async () => {
    expect(await failure(put('{"__proto__":{"x":1}}'))).toMatch(/VALIDATION_FAILED.*__proto__/);
    expect(await failure(put('{"a":{"\\u005f_proto__":1}}'))).toMatch(
      /VALIDATION_FAILED.*__proto__/,
    );
    // An escape that spells another key is read as that key.
    expect(await readJsonBody(put('{"\\u0061":1}'), schema, 1024)).toEqual({ a: 1 });
  });

  it("stops at the limit without reading on (413), at any chunking", async () => {
    expect(await failure(put(`{"a":"${"x".repeat(2000)}"}`))).toBe("PAYLOAD_TOO_LARGE");
    expect(await readJsonBody(put(`{"a":"${"x".repeat(1016)}"}`), schema, 1024)).toHaveProperty(
      "a",
    );
  });

  it("answers 415 for another media type and 400 for bad UTF-8 or bad JSON", async () => {
    expect(await failure(put('{"a":1}', "text/plain"))).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await failure(put(new Uint8Array([0x7b, 0xff, 0x7d])))).toMatch(/not valid UTF-8/);
    expect(await failure(put('{"a":'))).toMatch(/not valid JSON/);
  });
});
