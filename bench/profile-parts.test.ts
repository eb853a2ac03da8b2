import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { partOf, timeByPart, type CpuProfile } from "./profile-parts.js";

const root = "/srv/app";
const file = (path: string) => pathToFileURL(`${root}/${path}`).href;

describe("partOf", () => {
  it.each([
    ["(garbage collector)", "", "garbage collection"],
    ["(idle)", "", "idle"],
    ["writev", "", "socket writes"],
    ["runMicrotasks", "", "V8 and native code"],
    ["parse", file("node_modules/zod/v4/core/schemas.js"), "library: zod"],
    [
      "HttpRequest",
      file("node_modules/@azure/functions/dist/azure-functions.js"),
      "library: @azure/functions",
    ],
    ["_Request", "node:internal/deps/undici/undici", "Node: undici (Request, Response, Headers)"],
    ["getReader", "node:internal/webstreams/readablestream", "Node: web streams"],
    ["_storeHeader", "node:_http_outgoing", "Node: HTTP and sockets"],
    ["encode", "node:internal/encoding", "Node: other"],
    ["saveAnswers", file("shared/domain/session.ts"), "shared/domain/"],
    ["json", file("shared/registry.ts"), "shared/registry.ts"],
    ["handler", file("functions/sessions-answers.ts"), "functions/"],
    ["serve", file("bench/server.ts"), "local host (bench/, dev/)"],
    ["matchRoute", file("dev/routes.ts"), "local host (bench/, dev/)"],
    ["elsewhere", pathToFileURL("/opt/other.js").href, "other"],
  ])("%s in %s is %s", (name, url, part) => {
    expect(partOf(name, url, root)).toBe(part);
  });
});

describe("timeByPart", () => {
  // Samples at 100 (domain), 110 (GC), 130 (domain), 160 (idle); each lasts until the next.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: "saveAnswers", url: file("shared/domain/session.ts") } },
      { id: 2, callFrame: { functionName: "(garbage collector)", url: "" } },
      { id: 3, callFrame: { functionName: "(idle)", url: "" } },
    ],
    startTime: 90,
    samples: [1, 2, 1, 3],
    timeDeltas: [10, 10, 20, 30],
  };

  it("sums each sample's time until the next one by part", () => {
    expect(Object.fromEntries(timeByPart(profile, root))).toEqual({
      "shared/domain/": 10 + 30,
      "garbage collection": 20,
      idle: 0,
    });
  });

  it("counts only the samples taken within the window", () => {
    expect(Object.fromEntries(timeByPart(profile, root, { from: 105, to: 140 }))).toEqual({
      "garbage collection": 20,
      "shared/domain/": 30,
    });
  });
});
