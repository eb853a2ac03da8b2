// Registered HTTP functions served over node:http with the local host's routing, and nothing
// else: no dev routes, 405s or body limits (dev/host.ts adds those around the same request and
// response conversion). The benchmark server and the test of the built package
// (test/package.test.ts) serve through it.
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type {
  HttpRequest as FunctionsRequest,
  HttpResponseInit,
  LogHandler,
} from "@azure/functions";
import { HttpRequest, HttpResponse, InvocationContext } from "./azure-functions.js";
import { buildHostTable, matchRoute, type HostTable } from "./routes.js";
import { problem } from "../shared/http/problem.js";
import type { FunctionDefinition } from "../shared/registry.js";

/** Events, not `for await`: the async iterator cost more per request than a small body's read. */
function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Node's request headers as the Functions request takes them, repeated ones comma-joined. */
function requestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(":")) continue;
    result[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return result;
}

/** The Functions request for a node:http request whose body has been read into `bytes`. */
export function functionsRequest(
  req: IncomingMessage,
  method: string,
  url: URL,
  bytes: Uint8Array,
  params: Record<string, string>,
): FunctionsRequest {
  return new HttpRequest({
    method,
    url: url.toString(),
    headers: requestHeaders(req.headers),
    ...(bytes.byteLength > 0 && method !== "GET" && method !== "HEAD" ? { body: { bytes } } : {}),
    params,
  });
}

/**
 * Writes what a function returned as the Functions host would: through the library's
 * HttpResponse, so its body and header rules apply, with Content-Length and an X-Request-Id
 * when the function set none. Resolves once the response is handed to the socket.
 */
export async function writeResponse(
  res: ServerResponse,
  init: HttpResponseInit,
  invocationId: string,
): Promise<void> {
  const response = new HttpResponse(init);
  const body = new Uint8Array(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!res.hasHeader("x-request-id")) res.setHeader("X-Request-Id", invocationId);
  res.setHeader("Content-Length", body.byteLength);
  res.end(body);
  await once(res, "finish");
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
    const invocationId = randomUUID();
    let init: HttpResponseInit;
    if (match.kind === "match") {
      const request = functionsRequest(req, method, url, bytes, match.params);
      const context = new InvocationContext({
        invocationId,
        functionName: match.route.name,
        logHandler,
      });
      init = await match.route.handler(request, context);
    } else {
      init = problem("NOT_FOUND", "No such route.");
    }
    await writeResponse(res, init, invocationId);
  };
  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };
}

/** The functions served on a free port of 127.0.0.1: their base URL, the server, and a close. */
export async function listenFunctions(
  definitions: readonly FunctionDefinition[],
  logHandler: LogHandler = silent,
): Promise<{ url: string; server: Server; close: () => void }> {
  const server = createServer(serveFunctions(buildHostTable(definitions), logHandler));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  return { url: `http://127.0.0.1:${port}`, server, close };
}
