import { AppError } from "../shared/domain/errors.js";
import { explorerAsset, explorerAssets, isExplorerAsset } from "../shared/http/api-explorer.js";
import { httpFunction } from "../shared/registry.js";

/** The API explorer's script and style sheet, served by this app (no CDN). */
export const docsAssets = httpFunction({
  name: "docsAssets",
  route: "docs/assets/{name}",
  methods: ["GET"],
  access: "anonymous",
  summary: "A script or style sheet of the API explorer",
  tags: ["Service"],
  responses: [
    { status: 200, description: "The asset" },
    { status: 404, description: "No such asset" },
  ],
  handler: async ({ params }) => {
    if (!isExplorerAsset(params.name)) throw new AppError("NOT_FOUND", "No such asset.");
    return {
      status: 200,
      headers: {
        "Content-Type": explorerAssets[params.name].type,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "public, max-age=3600",
      },
      body: await explorerAsset(params.name),
    };
  },
});
