// The API reference page of the local host (GET /api/docs): one self-contained HTML page that
// fetches /api/openapi.json and renders its operations. No CDN, nothing outside this file,
// because Swagger UI is not among the installed packages.

const script = String.raw`
const root = document.getElementById("ops");
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
function resolve(doc, schema, depth) {
  if (!schema || typeof schema !== "object" || depth > 8) return schema;
  if (typeof schema.$ref === "string") {
    const target = schema.$ref.replace(/^#\//, "").split("/").reduce((o, k) => (o ? o[k] : undefined), doc);
    return { title: schema.$ref.split("/").pop(), ...resolve(doc, target, depth + 1) };
  }
  if (Array.isArray(schema)) return schema.map((s) => resolve(doc, s, depth + 1));
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolve(doc, v, depth + 1)]));
}
const block = (title, value) => value === undefined ? "" :
  "<details><summary>" + esc(title) + "</summary><pre>" + esc(JSON.stringify(value, null, 2)) + "</pre></details>";
async function main() {
  const response = await fetch("openapi.json");
  if (!response.ok) { root.textContent = "GET /api/openapi.json answered " + response.status; return; }
  const doc = await response.json();
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version + " (OpenAPI " + doc.openapi + ")";
  const parts = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const roles = op["x-roles"];
      const auth = Array.isArray(op.security) && op.security.length === 0 ? "no token" : Array.isArray(roles) ? roles.join(", ") : "any signed-in user";
      const params = (op.parameters ?? []).map((p) => resolve(doc, p, 0));
      const body = op.requestBody?.content?.["application/json"]?.schema;
      const responses = Object.entries(op.responses ?? {}).map(([status, r]) => {
        const content = r.content ? Object.values(r.content)[0]?.schema : undefined;
        return "<li><code>" + esc(status) + "</code> " + esc(r.description) + (content ? block("schema", resolve(doc, content, 0)) : "") + "</li>";
      }).join("");
      parts.push(
        '<section class="op"><h2><span class="m ' + esc(method) + '">' + esc(method.toUpperCase()) + "</span> <code>/api" + esc(path) + "</code></h2>" +
        "<p>" + esc(op.summary) + '</p><p class="who">Who: ' + esc(auth) + "</p>" +
        (params.length ? "<h3>Parameters</h3><ul>" + params.map((p) => "<li><code>" + esc(p.name) + "</code> in " + esc(p.in) + (p.required ? " (required)" : "") + " " + esc(p.schema?.type ?? "") + "</li>").join("") + "</ul>" : "") +
        (body ? "<h3>Request body</h3>" + block("application/json", resolve(doc, body, 0)) : "") +
        "<h3>Responses</h3><ul>" + responses + "</ul></section>");
    }
  }
  root.innerHTML = parts.join("") || "<p>No operations.</p>";
}
main().catch((e) => { root.textContent = "Could not load the API description: " + e; });
`;

export function docsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evaluation Sessions API reference</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1b1b; }
.op { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 1rem; margin: 1rem 0; }
.op h2 { font-size: 1.05rem; margin: 0.4rem 0; }
.op h3 { font-size: 0.9rem; margin: 0.6rem 0 0.2rem; }
.m { display: inline-block; min-width: 4.5rem; text-align: center; color: #fff; border-radius: 4px; padding: 0 0.4rem; }
.get { background: #2f6fdb; } .post { background: #2e9d57; } .put { background: #c07b00; } .patch { background: #7a4bc2; } .delete { background: #c0392b; }
.who { color: #555; font-size: 0.9rem; }
pre { background: #f6f8fa; padding: 0.5rem; overflow: auto; font-size: 12px; }
</style>
</head>
<body>
<h1 id="title">Evaluation Sessions API</h1>
<p>Generated from <a href="openapi.json">/api/openapi.json</a>. Get a token with <code>npm run token -- --tenant t --user evaluator-1 --roles QM.Evaluator</code>.</p>
<div id="ops">Loading…</div>
<script>${script}</script>
</body>
</html>
`;
}
