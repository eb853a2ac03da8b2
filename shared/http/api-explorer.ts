// The API explorer at GET /api/docs: Swagger UI (the swagger-ui-dist package) over this
// service's own OpenAPI document, with "Authorize" for a bearer token and "Try it out" on every
// operation. Everything it loads comes from this app (no CDN): the page, Swagger UI's script
// and style sheet read from node_modules, which the Functions package keeps (docs/deploy.md),
// and a small start-up script. On the local host only, a form fetches a token from the local
// issuer and authorizes the page with it (dev/host.ts turns it on).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** What GET /api/docs/assets/{name} serves, by name. */
export const explorerAssets = {
  "swagger-ui-bundle": { file: "swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" },
  "swagger-ui": { file: "swagger-ui.css", type: "text/css; charset=utf-8" },
  favicon: { file: "favicon-32x32.png", type: "image/png" },
  explorer: { type: "text/javascript; charset=utf-8" },
} as const;
export type ExplorerAssetName = keyof typeof explorerAssets;

export function isExplorerAsset(name: string): name is ExplorerAssetName {
  return Object.hasOwn(explorerAssets, name);
}

let devTokenForm = false;

/** Shows the local token form on the page (the local host, while it serves POST /api/dev/token). */
export function offerDevTokens(on: boolean): void {
  devTokenForm = on;
}

/**
 * Self only: the page runs no inline script and reaches nothing but this API. Swagger UI sets
 * inline styles and shows images as data: URLs.
 */
export const explorerSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; " +
  "form-action 'none'";

const require = createRequire(import.meta.url);
const swaggerUiDir = (): string => dirname(require.resolve("swagger-ui-dist/package.json"));

const files = new Map<string, Promise<Uint8Array>>();

/** An asset's bytes, read once per process. */
export function explorerAsset(name: ExplorerAssetName): Promise<Uint8Array> {
  const asset = explorerAssets[name];
  if (!("file" in asset)) return Promise.resolve(new TextEncoder().encode(startScript));
  let bytes = files.get(asset.file);
  if (!bytes) {
    bytes = readFile(join(swaggerUiDir(), asset.file));
    files.set(asset.file, bytes);
    // A failed read is not remembered: the next request tries again.
    bytes.catch(() => files.delete(asset.file));
  }
  return bytes;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.codePointAt(0) ?? 0};`);

export function explorerPage(): string {
  const tokenForm = devTokenForm
    ? `<form id="dev-token" class="dev-token">
  <strong>Local token</strong>
  <label>tenant <input name="tenantId" value="demo" required></label>
  <label>user <input name="userId" value="admin-1" required></label>
  <label>roles <input name="roles" value="QM.Administrator" size="40" required></label>
  <button type="submit">Get a local token</button>
  <output name="status"></output>
  <p>The local issuer signs it (<code>POST /api/dev/token</code>); the page is then authorized with it. Roles are comma-separated.</p>
</form>`
    : `<p class="dev-token">Authorize with an Entra ID access token for this API, for example
<code>az account get-access-token --scope api://&lt;app id&gt;/access_as_user --query accessToken -o tsv</code>.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml("Evaluation Sessions API")}</title>
<link rel="icon" type="image/png" href="/api/docs/assets/favicon">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui">
<style>
.dev-token { font: 14px system-ui, sans-serif; margin: 1rem auto; max-width: 1460px; padding: 0 20px; }
.dev-token label { margin-right: 0.8rem; }
.dev-token p { color: #555; margin: 0.3rem 0 0; }
</style>
</head>
<body>
${tokenForm}
<div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle"></script>
<script src="/api/docs/assets/explorer"></script>
</body>
</html>
`;
}

/** Starts Swagger UI; with the local form, fetches a token and authorizes the page with it. */
const startScript = String.raw`"use strict";
const ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#ui",
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  persistAuthorization: false,
});
const form = document.getElementById("dev-token");
if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const status = form.elements.namedItem("status");
    const body = {
      tenantId: String(data.get("tenantId")).trim(),
      userId: String(data.get("userId")).trim(),
      roles: String(data.get("roles")).split(",").map((r) => r.trim()).filter(Boolean),
    };
    try {
      const res = await fetch("/api/dev/token", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(json.detail || "the local issuer answered " + res.status);
      ui.preauthorizeApiKey("bearer", json.token);
      status.value = "Authorized as " + body.userId + " (" + body.roles.join(", ") + ").";
    } catch (error) {
      status.value = "No token: " + error.message;
    }
  });
}
`;
