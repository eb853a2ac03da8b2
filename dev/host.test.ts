import { describe, expect, it, vi } from "vitest";
import type { FunctionDefinition, HttpFunctionDefinition } from "../shared/registry.js";
import { requestWithHost } from "../test/support/http.js";
import { buildHostTable, matchRoute, parseTemplate } from "./routes.js";

/** Loads functions/index.ts afresh with the Azure `app` API spied on; returns both views. */
async function registerEverything() {
  vi.resetModules();
  const { app } = await import("@azure/functions");
  const http = vi.spyOn(app, "http").mockImplementation(() => undefined);
  const topic = vi.spyOn(app, "serviceBusTopic").mockImplementation(() => undefined);
  const timer = vi.spyOn(app, "timer").mockImplementation(() => undefined);
  try {
    await import("../functions/index.js");
    const { registeredFunctions } = await import("../shared/registry.js");
    const host = await import("./host.js");
    return {
      azure: {
        http: http.mock.calls.map(([name, options]) => ({
          name,
          options: options,
        })),
        topic: topic.mock.calls.map(([name, options]) => ({
          name,
          options: options,
        })),
        timer: timer.mock.calls.map(([name, options]) => ({
          name,
          options: options,
        })),
      },
      definitions: registeredFunctions(),
      host,
    };
  } finally {
    vi.restoreAllMocks();
  }
}

/** A concrete path for a template: every parameter gets a valid id. */
const examplePath = (template: string) => template.replace(/\{\*?([A-Za-z0-9_]+)\??\}/g, "x1");

describe("the local host serves exactly what Azure registers", async () => {
  const { azure, definitions, host } = await registerEverything();
  const table = host.buildHostTable(definitions);

  it("registers at least the service endpoints", () => {
    expect(azure.http.map((c) => c.name)).toEqual(
      expect.arrayContaining(["health", "me", "openapi"]),
    );
  });

  it("serves every Azure HTTP function with the same route, methods, handler and roles", () => {
    expect(table.routes).toHaveLength(azure.http.length);
    for (const { name, options } of azure.http) {
      const route = table.routes.find((r) => r.name === name);
      expect(route, name).toBeDefined();
      expect(route!.template).toBe(options.route);
      expect([...route!.methods].sort()).toEqual([...(options.methods ?? [])].sort());
      // Roles are enforced inside the handler, so serving the very same handler serves the same roles.
      expect(route!.handler).toBe(options.handler);
      const definition = definitions.find((d): d is HttpFunctionDefinition => d.name === name);
      expect(route!.access).toEqual(definition!.access);
      expect(options.authLevel).toBe("anonymous");
      for (const method of options.methods ?? []) {
        const match = host.matchRoute(table, method, examplePath(options.route ?? name));
        expect(match.kind === "match" && match.route.name, `${method} ${options.route}`).toBe(name);
      }
    }
  });

  it("delivers to every Azure topic subscription and fires every Azure timer", () => {
    expect(table.subscriptions).toHaveLength(azure.topic.length);
    for (const { name, options } of azure.topic) {
      const subscription = table.subscriptions.find((s) => s.name === name);
      expect(subscription?.topicName).toBe(options.topicName);
      expect(subscription?.subscriptionName).toBe(options.subscriptionName);
      expect(subscription?.handler).toBe(options.handler);
    }
    expect(table.timers).toHaveLength(azure.timer.length);
    for (const { name, options } of azure.timer) {
      const timer = table.timers.find((t) => t.name === name);
      expect(timer?.schedule).toBe(options.schedule);
      expect(timer?.handler).toBe(options.handler);
    }
  });

  it("never registers a local-only route with Azure", () => {
    const azureOnly = buildHostTable(
      azure.http.map(({ name, options }) => ({
        kind: "http",
        name,
        route: options.route ?? name,
        methods: options.methods ?? ["GET"],
        access: "anonymous",
        summary: name,
        tags: [],
        ifMatch: false,
        responses: [],
        handler: options.handler as HttpFunctionDefinition["handler"],
      })),
    );
    expect(host.localRoutes.map((r) => r.path)).toEqual([
      "dev/token",
      "dev/jwks",
      "dev/dead-letters",
      "dev/dead-letters/replay",
    ]);
    for (const { options } of azure.http) {
      expect(options.route?.toLowerCase().startsWith("dev/"), options.route).toBe(false);
    }
    for (const local of host.localRoutes) {
      expect(matchRoute(azureOnly, local.method, local.path).kind, local.path).toBe("notFound");
    }
  });
});

const handler = () => Promise.resolve({ status: 204 });
const fn = (
  name: string,
  route: string,
  methods: HttpFunctionDefinition["methods"],
): FunctionDefinition => ({
  kind: "http",
  name,
  route,
  methods,
  access: "anonymous",
  summary: name,
  tags: [],
  ifMatch: false,
  responses: [],
  handler,
});

describe("route matching follows the Functions route template rules", () => {
  const table = buildHostTable([
    fn("sessionsGet", "sessions/{id}", ["GET"]),
    fn("sessionsArchive", "sessions/archive", ["POST"]),
    fn("sessionsAnswers", "sessions/{id}/answers", ["PUT"]),
    fn("formsMaybe", "forms/{formId?}", ["GET"]),
    fn("first", "tie/{a}", ["GET"]),
    fn("second", "tie/{b}", ["GET", "DELETE"]),
    fn("files", "files/{*rest}", ["GET"]),
  ]);
  const match = (method: string, path: string) => matchRoute(table, method, path);

  it("binds {id} segments and keeps their case", () => {
    expect(match("GET", "sessions/AbC-1")).toMatchObject({
      kind: "match",
      route: { name: "sessionsGet" },
      params: { id: "AbC-1" },
    });
    expect(match("PUT", "sessions/s1/answers")).toMatchObject({
      route: { name: "sessionsAnswers" },
      params: { id: "s1" },
    });
  });

  it("compares literal segments case-insensitively and ignores a trailing slash", () => {
    expect(match("POST", "SESSIONS/Archive/")).toMatchObject({
      kind: "match",
      route: { name: "sessionsArchive" },
    });
  });

  it("lets a literal segment beat a parameter registered before it", () => {
    expect(match("POST", "sessions/archive")).toMatchObject({ route: { name: "sessionsArchive" } });
    // For another method the parameter route still applies, as endpoint selection does in Azure.
    expect(match("GET", "sessions/archive")).toMatchObject({
      route: { name: "sessionsGet" },
      params: { id: "archive" },
    });
  });

  it("matches optional {id?} segments with and without a value", () => {
    expect(match("GET", "forms")).toMatchObject({
      kind: "match",
      route: { name: "formsMaybe" },
      params: {},
    });
    expect(match("GET", "forms/f1")).toMatchObject({ params: { formId: "f1" } });
  });

  it("gives ties to the first registration", () => {
    expect(match("GET", "tie/x")).toMatchObject({ route: { name: "first" }, params: { a: "x" } });
    expect(match("DELETE", "tie/x")).toMatchObject({
      route: { name: "second" },
      params: { b: "x" },
    });
  });

  it("binds catch-all segments to the rest of the path", () => {
    expect(match("GET", "files/a/b/c")).toMatchObject({ params: { rest: "a/b/c" } });
  });

  it("decodes percent-encoded segments and refuses malformed ones", () => {
    expect(match("GET", "sessions/a%2Db")).toMatchObject({ params: { id: "a-b" } });
    expect(match("GET", "sessions/%E0%A4%A")).toEqual({ kind: "notFound" });
  });

  it("answers 404 for unknown paths and 405 with the allowed methods for known ones", () => {
    expect(match("GET", "nothing/here")).toEqual({ kind: "notFound" });
    expect(match("GET", "sessions/s1/answers/extra")).toEqual({ kind: "notFound" });
    expect(match("GET", "sessions//answers")).toEqual({ kind: "notFound" });
    expect(match("DELETE", "sessions/s1/answers")).toEqual({
      kind: "methodNotAllowed",
      allow: ["PUT"],
    });
    const tie = match("PUT", "tie/x");
    expect(tie.kind === "methodNotAllowed" && [...tie.allow].sort()).toEqual(["DELETE", "GET"]);
  });

  it("refuses templates it cannot serve faithfully", () => {
    expect(() => parseTemplate("sessions/{id:int}")).toThrow(/not supported/);
    expect(() => parseTemplate("forms/{id?}/x")).toThrow(/last segment/);
    expect(() => parseTemplate("a/{id}/{id}")).toThrow(/twice/);
    expect(() => parseTemplate("a//b")).toThrow(/empty segment/);
  });
});

describe("the local issuer's token route", () => {
  const local = {
    COSMOS__accountEndpoint: "https://127.0.0.1:8081/",
    DATA_STORAGE__blobServiceUri: "http://127.0.0.1:10000/devstoreaccount1",
  };

  it("F15: is not served when a data endpoint points off this machine", async () => {
    const { offMachineDataSettings, servesLocalRoute } = await import("./host.js");
    for (const cosmos of ["https://localhost:8081/", "https://[::1]:8081/", "https://LOCALHOST/"])
      expect(offMachineDataSettings({ ...local, COSMOS__accountEndpoint: cosmos })).toEqual([]);
    const cosmos = "COSMOS__accountEndpoint";
    const blob = "DATA_STORAGE__blobServiceUri";
    for (const [key, url] of [
      [cosmos, "https://qm-contoso.documents.azure.com:443/"],
      [cosmos, "https://data.localhost:8081/"],
      [cosmos, "not a url"],
      [blob, "https://qmdata.blob.core.windows.net/"],
      [blob, "http://127.0.0.1.nip.io:10000/devstoreaccount1"],
      [blob, "http://localhost.example.com:10000/devstoreaccount1"],
    ] as const)
      expect(offMachineDataSettings({ ...local, [key]: url }), url).toEqual([key]);
    expect(servesLocalRoute("dev/token", "localhost", { tokenRoute: false })).toBe(false);
    expect(servesLocalRoute("dev/jwks", "localhost", { tokenRoute: false })).toBe(true);
    expect(servesLocalRoute("dev/token", "localhost", { tokenRoute: true })).toBe(true);
  });

  it("F15: answers only requests addressed to a loopback name (DNS rebinding)", async () => {
    const { servesLocalRoute } = await import("./host.js");
    for (const hostname of ["localhost", "127.0.0.1", "[::1]"])
      expect(servesLocalRoute("dev/token", hostname, { tokenRoute: true }), hostname).toBe(true);
    for (const hostname of ["attacker.example", "127.0.0.1.nip.io", "localhost.attacker.example"])
      expect(servesLocalRoute("dev/token", hostname, { tokenRoute: true }), hostname).toBe(false);
  });

  it(
    "Finding 4: one loopback rule: for https://127.0.0.2 no stand-in starts and no token is served",
    { timeout: 60_000 },
    async () => {
      // The host used to start no stand-in for 127.0.0.2 (an exact list) yet offer the token
      // route in front of it (all of 127.0.0.0/8): now both follow dev/settings.ts.
      const { offMachineDataSettings } = await import("./host.js");
      expect(
        offMachineDataSettings({ ...local, COSMOS__accountEndpoint: "https://127.0.0.2:8081/" }),
      ).toEqual(["COSMOS__accountEndpoint"]);
      vi.resetModules();
      const { startLocalHost } = await import("./host.js");
      // Blob storage at 127.0.0.2: nothing calls it, so the host starts without a server there.
      const host = await startLocalHost({
        port: 0,
        cosmosPort: 0,
        blobPort: 0,
        settingsFile: null,
        environment: { DATA_STORAGE__blobServiceUri: "http://127.0.0.2:10000/devstoreaccount1" },
        log: () => undefined,
      });
      try {
        expect(host.standIns).toEqual({ cosmos: true, blob: false });
        expect(host.tokenRoute).toBe(false);
      } finally {
        await host.stop();
      }
    },
  );

  it(
    "F15: a host whose blob storage is in Azure serves no token, says why, and checks the Host",
    { timeout: 60_000 },
    async () => {
      // A fresh module graph, so the host's registry is the one its functions register in.
      vi.resetModules();
      const { startLocalHost } = await import("./host.js");
      const lines: string[] = [];
      // Cosmos stays local (the outbox sweep reaches it); nothing ever calls the blob endpoint.
      const host = await startLocalHost({
        port: 0,
        cosmosPort: 0,
        blobPort: 0,
        seed: true,
        settingsFile: null,
        environment: { DATA_STORAGE__blobServiceUri: "https://qmdata.blob.core.windows.net/" },
        log: (line) => lines.push(line),
      });
      try {
        expect(host.standIns).toEqual({ cosmos: true, blob: false });
        expect(host.tokenRoute).toBe(false);
        expect(lines.join("\n")).toMatch(
          /dev: POST \/api\/dev\/token is not served .*DATA_STORAGE__blobServiceUri points off this machine/,
        );
        const send = (method: string, path: string, hostHeader: string) =>
          requestWithHost(
            host.port,
            method,
            `/api/${path}`,
            hostHeader,
            method === "POST"
              ? { tenantId: "t", userId: "u", roles: ["QM.Administrator"] }
              : undefined,
          );
        const token = await send("POST", "dev/token", `127.0.0.1:${host.port}`);
        expect(token.status).toBe(404);
        expect(token.text).not.toMatch(/"token"/);
        expect((await send("GET", "dev/jwks", `localhost:${host.port}`)).status).toBe(200);
        expect((await send("GET", "dev/jwks", `attacker.example:${host.port}`)).status).toBe(404);
      } finally {
        await host.stop();
      }
    },
  );
});
