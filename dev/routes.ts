// The local host's route table: Azure Functions route templates (`{id}`, `{id?}`, `{*rest}`)
// matched the way the Functions host does it: literal segments compare case-insensitively and
// beat parameters, and registration order breaks the remaining ties.
import type { HttpMethod } from "@azure/functions";
import type {
  Access,
  FunctionDefinition,
  HttpFunctionDefinition,
  ServiceBusFunctionDefinition,
  TimerFunctionDefinition,
} from "../shared/registry.js";

type Segment =
  | { kind: "literal"; text: string }
  | { kind: "param"; name: string }
  | { kind: "optional"; name: string }
  | { kind: "catchAll"; name: string };

export interface Route {
  name: string;
  template: string;
  methods: readonly HttpMethod[];
  access: Access;
  segments: readonly Segment[];
  handler: HttpFunctionDefinition["handler"];
}

export interface HostTable {
  routes: readonly Route[];
  subscriptions: readonly ServiceBusFunctionDefinition[];
  timers: readonly TimerFunctionDefinition[];
}

/** Routes the local host serves itself; they never reach Azure (see dev/host.test.ts). */
export const localRoutes = [
  { method: "POST", path: "dev/token" },
  { method: "GET", path: "dev/jwks" },
  // The in-process topic's dead-letter queue, for `npm run dlq` (dev/dlq.ts).
  { method: "GET", path: "dev/dead-letters" },
  { method: "POST", path: "dev/dead-letters/replay" },
] as const;

const segmentPattern = /^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(\??)\}$/;

export function parseTemplate(template: string): Segment[] {
  const parts = template.replace(/^\/+|\/+$/g, "").split("/");
  const segments = parts.map((part, index): Segment => {
    if (part === "") throw new Error(`Route "${template}" has an empty segment.`);
    if (!part.includes("{") && !part.includes("}")) return { kind: "literal", text: part };
    const match = segmentPattern.exec(part);
    if (!match?.[2]) {
      throw new Error(
        `Route "${template}": segment "${part}" is not supported by the local host ` +
          `(use a literal, {name}, {name?} or {*name} as a whole segment; no constraints).`,
      );
    }
    const [, star, name, optional] = match;
    if (star && optional) throw new Error(`Route "${template}": "${part}" cannot be both.`);
    const last = index === parts.length - 1;
    if ((star || optional) && !last) {
      throw new Error(`Route "${template}": "${part}" must be the last segment.`);
    }
    if (star) return { kind: "catchAll", name };
    return optional ? { kind: "optional", name } : { kind: "param", name };
  });
  const names = segments.filter((s) => s.kind !== "literal").map((s) => s.name);
  if (new Set(names).size !== names.length) {
    throw new Error(`Route "${template}" names a parameter twice.`);
  }
  return segments;
}

const rank: Record<Segment["kind"], number> = { literal: 0, param: 1, optional: 2, catchAll: 3 };

/** Negative when `a` is more specific than `b` at the first segment where they differ. */
function comparePrecedence(a: Route, b: Route): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const sa = a.segments[i];
    const sb = b.segments[i];
    if (!sa || !sb) break;
    const diff = rank[sa.kind] - rank[sb.kind];
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The host's view of the registry: what it serves, which topic subscriptions and timers. */
export function buildHostTable(definitions: readonly FunctionDefinition[]): HostTable {
  const routes: Route[] = [];
  const subscriptions: ServiceBusFunctionDefinition[] = [];
  const timers: TimerFunctionDefinition[] = [];
  for (const definition of definitions) {
    if (definition.kind === "http") {
      routes.push({
        name: definition.name,
        template: definition.route,
        methods: definition.methods,
        access: definition.access,
        segments: parseTemplate(definition.route),
        handler: definition.handler,
      });
    } else if (definition.kind === "serviceBus") {
      subscriptions.push(definition);
    } else {
      timers.push(definition);
    }
  }
  // Array.prototype.sort is stable, so registration order decides among equal precedence.
  routes.sort(comparePrecedence);
  return { routes, subscriptions, timers };
}

export type RouteMatch =
  | { kind: "match"; route: Route; params: Record<string, string> }
  | { kind: "methodNotAllowed"; allow: readonly string[] }
  | { kind: "notFound" };

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i];
    if (segment.kind === "catchAll") {
      const rest = parts.slice(i);
      if (rest.length > 0) params[segment.name] = rest.join("/");
      return params;
    }
    if (part === undefined) return segment.kind === "optional" ? params : undefined;
    if (segment.kind === "literal") {
      if (segment.text.toLowerCase() !== part.toLowerCase()) return undefined;
    } else {
      params[segment.name] = part;
    }
  }
  return parts.length === segments.length ? params : undefined;
}

/**
 * Matches a path below the route prefix (`sessions/abc`, no leading slash, no query) against
 * the table; 405 lists the methods every matching template accepts.
 */
export function matchRoute(table: HostTable, method: string, path: string): RouteMatch {
  let parts: string[];
  try {
    // A trailing slash is ignored, as by the Functions host; empty inner segments never match.
    parts = path.replace(/\/$/, "").split("/").map(decodeURIComponent);
  } catch {
    return { kind: "notFound" };
  }
  if (parts.some((p) => p === "")) return { kind: "notFound" };
  const upper = method.toUpperCase();
  const allow = new Set<string>();
  for (const route of table.routes) {
    const params = matchSegments(route.segments, parts);
    if (!params) continue;
    if (route.methods.some((m) => m === upper)) return { kind: "match", route, params };
    for (const m of route.methods) allow.add(m);
  }
  return allow.size > 0 ? { kind: "methodNotAllowed", allow: [...allow] } : { kind: "notFound" };
}
