// The OpenAPI 3.1 document, generated from the same registrations and zod schemas that
// validate requests, so the contract and the checks cannot drift apart.
import { z } from "zod";
// Types only: zod-openapi itself is imported when the document is first built, so loading the
// function app (which imports problemSchema from here) does not load it at cold start.
import type {
  createDocument,
  ZodOpenApiOperationObject,
  ZodOpenApiPathsObject,
  ZodOpenApiResponseObject,
} from "zod-openapi";
import { errorCodes } from "../domain/errors.js";
import { idPattern } from "../domain/ids.js";
import { statusOf } from "./problem.js";
import type { HttpFunctionDefinition } from "../registry.js";

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(errorCodes),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details with a stable `code`." });

const standardProblems: Record<string, string> = {
  "401": "Missing, invalid or expired bearer token",
  "403": "The caller's roles do not allow this",
  "404": "Unknown route or resource, or one the caller may not see",
  "400": "Malformed JSON or a schema violation; `errors` names each path",
  "413": "Body over 1 MiB",
  "415": "Body is not application/json",
  "428": "If-Match missing",
  "412": "If-Match is stale",
  "503": "A dependency is still failing after retries; see Retry-After",
};

/** A standard problem's description, naming the codes that answer with its status. */
function problemDescription(status: string): string {
  const codes = errorCodes.filter((code) => String(statusOf(code)) === status);
  return `${standardProblems[status] ?? status} (${codes.join(", ")})`;
}

function operation(fn: HttpFunctionDefinition, method: string): ZodOpenApiOperationObject {
  const problemContent = { "application/problem+json": { schema: problemSchema } };
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const r of fn.responses) {
    // One status may come in several media types (JSON, or CSV when asked): one entry each.
    const earlier = responses[String(r.status)];
    const type =
      r.contentType ?? (r.status >= 400 ? "application/problem+json" : "application/json");
    const content = { ...earlier?.content, ...(r.schema ? { [type]: { schema: r.schema } } : {}) };
    responses[String(r.status)] = {
      description: earlier ? `${earlier.description}; ${r.description}` : r.description,
      ...(Object.keys(content).length > 0 ? { content } : {}),
    };
  }
  const add = (status: string) => {
    responses[status] ??= {
      description: problemDescription(status),
      content: problemContent,
    };
  };
  if (fn.access !== "anonymous") add("401");
  if (Array.isArray(fn.access)) add("403");
  if (fn.route.includes("{")) add("404");
  if (fn.query || fn.body) add("400");
  if (fn.body) {
    add("413");
    add("415");
  }
  if (fn.ifMatch) {
    add("428");
    add("412");
  }
  if (fn.access !== "anonymous") add("503");

  const pathParams = [...fn.route.matchAll(/\{([A-Za-z0-9_]+)\??\}/g)].map((m) => m[1] ?? "");
  const roles = Array.isArray(fn.access) ? ` Roles: ${fn.access.join(", ")}.` : "";
  return {
    operationId: fn.methods.length > 1 ? `${fn.name}_${method}` : fn.name,
    summary: fn.summary,
    description: `${fn.summary}.${roles}${fn.ifMatch ? " Requires If-Match." : ""}`,
    tags: [...fn.tags],
    ...(fn.access === "anonymous" ? { security: [] } : {}),
    // The roles allowed to call, for the API reference page and generated clients.
    ...(typeof fn.access === "string" ? {} : { "x-roles": [...fn.access] }),
    requestParams: {
      ...(pathParams.length > 0
        ? {
            path: z.object(
              Object.fromEntries(pathParams.map((p) => [p, z.string().regex(idPattern)])),
            ),
          }
        : {}),
      ...(fn.query instanceof z.ZodObject ? { query: fn.query } : {}),
      ...(fn.ifMatch
        ? {
            header: z.object({
              "If-Match": z.string().meta({ description: "The ETag last read" }),
            }),
          }
        : {}),
    },
    ...(fn.body && method !== "get"
      ? { requestBody: { required: true, content: { "application/json": { schema: fn.body } } } }
      : {}),
    responses: responses,
  };
}

export async function buildOpenApiDocument(
  functions: readonly HttpFunctionDefinition[],
): Promise<ReturnType<typeof createDocument>> {
  const { createDocument } = await import("zod-openapi");
  const paths: ZodOpenApiPathsObject = {};
  for (const fn of functions) {
    const path = `/${fn.route.replace(/\{([A-Za-z0-9_]+)\?\}/g, "{$1}")}`;
    const item = (paths[path] ??= {});
    for (const method of fn.methods) {
      const key = method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
      item[key] = operation(fn, key);
    }
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Evaluation Sessions API",
      version: "1.0.0",
      description:
        "Quality Management evaluation sessions: forms, interactions, sessions, action items.",
    },
    servers: [{ url: "/api" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
    paths,
  });
}
