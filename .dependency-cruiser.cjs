// The layering of docs/architecture.md, checked by `npm run lint` (depcruise) and by
// shared/layers.test.ts, which plants violations to show each rule refuses them.
const production = "[.]test[.]ts$";

/** A layer may not import `to` (paths relative to the project root); tests are exempt. */
const layer = (name, comment, from, to) => ({
  name,
  comment,
  severity: "error",
  from: { path: from, pathNot: production },
  to,
});

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle: the modules cannot be understood or changed apart.",
      from: {},
      to: { circular: true },
    },
    layer(
      "domain-is-pure",
      "shared/domain imports only itself (and zod): no adapters, app, http, I/O or SDKs.",
      "^shared/domain/",
      { pathNot: "^shared/domain/|^node_modules/zod/" },
    ),
    layer(
      "app-speaks-no-http",
      "Use cases return domain data; HTTP and the Functions host are the handlers' business.",
      "^shared/app/",
      { path: "^shared/(http|registry)|^functions/|^node_modules/@azure/functions/" },
    ),
    layer(
      "adapters-below-app",
      "Adapters implement ports; they call no use case and speak no HTTP.",
      "^shared/adapters/",
      { path: "^shared/(app|http|registry)|^functions/" },
    ),
    layer(
      "shared-not-outward",
      "shared/ is used by the functions, the dev host and the tests, never the reverse.",
      "^shared/",
      { path: "^(functions|dev|bench|test|faults|scripts|infra)/" },
    ),
    layer(
      "production-not-to-test-support",
      "Production code imports no test support and no test.",
      "^(functions|shared|dev)/",
      { path: "^test/|[.]test[.]ts$" },
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|coverage)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      extensions: [".ts", ".js", ".json"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
