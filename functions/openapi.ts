import { buildOpenApiDocument } from "../shared/http/openapi.js";
import { json } from "../shared/http/responses.js";
import {
  httpFunction,
  registeredFunctions,
  type HttpFunctionDefinition,
} from "../shared/registry.js";

let document: unknown;

export const openapi = httpFunction({
  name: "openapi",
  route: "openapi.json",
  methods: ["GET"],
  access: "anonymous",
  summary: "This API's OpenAPI 3.1 document",
  tags: ["Service"],
  responses: [{ status: 200, description: "The OpenAPI document" }],
  handler: async () => {
    // Built on first request, not at start-up: cold starts do not pay for it.
    document ??= await buildOpenApiDocument(
      registeredFunctions().filter((f): f is HttpFunctionDefinition => f.kind === "http"),
    );
    return json(200, document);
  },
});
