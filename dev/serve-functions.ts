// Registered HTTP functions served over node:http with the local host's routing, and nothing
// else: no dev routes, 405s or body limits (dev/host.ts adds those). The benchmark server and
// the test of the built package (test/package.test.ts) serve through it.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpResponseInit, LogHandler } from "@azure/functions";
import { HttpRequest, HttpResponse, InvocationContext } from "./azure-functions.js";
import { matchRoute, type HostTable } from "./routes.js";
import { problem } from "../shared/http/problem.js";

/** Events, not `for await`: the async iterator cost more per request than a small body's read. */
function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const silent: LogHandler = () => undefined;

/** A request listener for `http.createServer` that calls the function the route names. */
export function serveFunctions(
  table: HostTable,
  logHandler: LogHandler = silent,
): (req: IncomingMessage, res: ServerResponse) => void {
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://localhost");
    const bytes = await readBody(req);
    const match = matchRoute(table, method, url.pathname.replace(/^\/api\//, ""));
    let init: HttpResponseInit;
    if (match.kind === "match") {
      const request = new HttpRequest({
        method,
        url: url.toString(),
        headers: Object.fromEntries(
          Object.entries(req.headers).flatMap(([k, v]) =>
            v === undefined ? [] : [[k, Array.isArray(v) ? v.join(", ") : v]],
          ),
        ),
        ...(bytes.byteLength > 0 ? { body: { bytes } } : {}),
        params: match.params,
      });
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: match.route.name,
        logHandler,
      });
      init = await match.route.handler(request, context);
    } else {
      init = problem("NOT_FOUND", "No such route.");
    }
    const response = new HttpResponse(init);
    const body = new Uint8Array(await response.arrayBuffer());
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    res.setHeader("Content-Length", body.byteLength);
    res.end(body);
  };
  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };
}
