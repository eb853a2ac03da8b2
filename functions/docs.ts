import { explorerPage, explorerSecurityPolicy } from "../shared/http/api-explorer.js";
import { httpFunction } from "../shared/registry.js";

/** The API explorer (Swagger UI over /api/openapi.json); shared/http/api-explorer.ts. */
export const docs = httpFunction({
  name: "docs",
  route: "docs",
  methods: ["GET"],
  access: "anonymous",
  summary: "The API explorer: every operation, with Authorize and Try it out",
  tags: ["Service"],
  responses: [{ status: 200, description: "An HTML page" }],
  handler: () =>
    Promise.resolve({
      status: 200,
      headers: {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": explorerSecurityPolicy,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      },
      body: explorerPage(),
    }),
});
