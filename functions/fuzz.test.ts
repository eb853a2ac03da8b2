// Hostile input against every HTTP function that takes input (a body, a query or a path id),
// through the registered handlers over in-memory stores: variants generated with fast-check from
// each function's zod schema (via its JSON Schema) must get a 4xx problem+json, never a 5xx, and
// leave every store, blob and published event exactly as it was.
import { randomUUID } from "node:crypto";
import { HttpRequest, InvocationContext } from "@azure/functions";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  encodeContinuation,
  formListIdentity,
  sessionListIdentity,
} from "../shared/adapters/continuation.js";
import { customerCare } from "../test/support/domain-fixtures.js";
import {
  MAX_BODY_BYTES,
  registeredFunctions,
  type HttpFunctionDefinition,
} from "../shared/registry.js";
import { setServices } from "../shared/services.js";
import { syntheticBuckets } from "../test/support/analytics.js";
import { createTestApp, type TestApp, type TestPrincipal } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bob,
  completeWithBestAnswers,
  createForm,
  createSession,
  ingest,
  otherTenantAdmin,
  saveBestAnswers,
} from "../test/support/scenario.js";

const NUM_RUNS = 50;
const NOW = new Date("2026-11-26T10:00:00Z");

// ---------- what the stores hold, to prove a refused request changed nothing ----------

/** Every document (with its etag) of the given tenants, the blobs and the published events. */
async function snapshot(app: TestApp, tenants: readonly string[]): Promise<string> {
  const now = app.clock.now().toISOString();
  const all = async <T>(
    page: (token: string | undefined) => Promise<{ items: T[]; continuationToken: string | null }>,
  ): Promise<T[]> => {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const result = await page(token);
      items.push(...result.items);
      token = result.continuationToken ?? undefined;
    } while (token !== undefined);
    return items;
  };
  const state: Record<string, unknown> = {};
  for (const tenantId of tenants) {
    const request = (token: string | undefined) => ({
      limit: 200,
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    const forms = await all((t) => app.stores.forms.list(tenantId, request(t)));
    const sessions = await all((t) =>
      app.stores.sessions.list(tenantId, { archived: "all", now }, request(t)),
    );
    const items = await all((t) => app.stores.actionItems.list(tenantId, {}, request(t)));
    state[tenantId] = {
      forms: await Promise.all(forms.map((f) => app.stores.forms.get(tenantId, f.id))),
      interactions: await all((t) => app.stores.interactions.list(tenantId, {}, request(t))),
      sessions: await Promise.all(sessions.map((s) => app.stores.sessions.get(tenantId, s.id))),
      actionItems: await Promise.all(items.map((i) => app.stores.actionItems.get(tenantId, i.id))),
      calibrations: await all((t) => app.stores.calibrations.list(tenantId, request(t))),
    };
  }
  state.exports = [...app.blobs.exports.keys()];
  state.media = [...app.blobs.media.entries()];
  state.published = app.publisher.published.map((e) => e.id);
  return JSON.stringify(state);
}

// ---------- sending raw requests (bytes, repeated query keys, any content type) ----------

interface RawRequest {
  as?: TestPrincipal;
  params?: Record<string, string>;
  /** The query string as sent, without "?". */
  query?: string;
  body?: Uint8Array;
  headers?: Record<string, string>;
}

interface RawResponse {
  status: number;
  contentType: string;
  json: unknown;
}

async function send(app: TestApp, fn: HttpFunctionDefinition, req: RawRequest, logs: string[]) {
  const headers: Record<string, string> = { ...req.headers };
  if (req.as) headers.authorization = `Bearer ${await app.token(req.as)}`;
  if (req.body !== undefined) {
    headers["content-type"] ??= "application/json";
    headers["content-length"] = String(req.body.byteLength);
  }
  const path = fn.route.replace(/\{([A-Za-z0-9_]+)\??\}/g, (_, p: string) =>
    encodeURIComponent(req.params?.[p] ?? ""),
  );
  const request = new HttpRequest({
    method: fn.methods[0] ?? "GET",
    url: `http://localhost/api/${path}${req.query ? `?${req.query}` : ""}`,
    headers,
    params: req.params ?? {},
    ...(req.body !== undefined ? { body: { bytes: req.body } } : {}),
  });
  const context = new InvocationContext({
    invocationId: randomUUID(),
    functionName: fn.name,
    logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(" ")}`),
  });
  const response = await fn.handler(request, context);
  const responseHeaders = new Headers(response.headers);
  const text = typeof response.body === "string" ? response.body : "";
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: response.status ?? 200,
    contentType: responseHeaders.get("content-type") ?? "",
    json,
  } satisfies RawResponse;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

// ---------- hostile values ----------

const prototypeKeys = ["__proto__", "constructor", "prototype"] as const;
const hostileIds = [
  ...prototypeKeys,
  "..%2F..",
  "../..",
  "a/b",
  "..\\..\\windows",
  "%2e%2e%2f",
  "%00",
  "a\u0000b",
  "a b",
  "é",
  "x".repeat(65),
  "",
  "id?x=1",
  "id#frag",
] as const;

type JsonType = "string" | "number" | "integer" | "boolean" | "null" | "array" | "object";
type JsonSchema = {
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  maxLength?: number;
  $ref?: string;
};
const jsonSchemaOf = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;

/** The schema nodes that describe the value at `path` (several when a union allows several). */
function nodesAt(
  root: JsonSchema,
  node: JsonSchema,
  path: readonly (string | number)[],
): JsonSchema[] {
  if (node.$ref?.startsWith("#/$defs/")) {
    const defs = (root as { $defs?: Record<string, JsonSchema> }).$defs ?? {};
    const target = defs[node.$ref.slice("#/$defs/".length)];
    return target ? nodesAt(root, target, path) : [];
  }
  const branches = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  if (branches.length > 0) return branches.flatMap((b) => nodesAt(root, b, path));
  if (path.length === 0) return [node];
  const [head, ...rest] = path;
  if (typeof head === "number") return node.items ? nodesAt(root, node.items, rest) : [];
  const child =
    node.properties?.[head ?? ""] ??
    (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
  return child ? nodesAt(root, child, rest) : [];
}

/** The JSON types a schema node admits, or undefined when it admits anything. */
function typesOf(root: JsonSchema, nodes: JsonSchema[]): Set<JsonType> | undefined {
  const types = new Set<JsonType>();
  for (const node of nodes) {
    const values = node.enum ?? ("const" in node ? [node.const] : undefined);
    if (node.type) for (const t of [node.type].flat()) types.add(t);
    else if (values)
      for (const v of values)
        types.add(v === null ? "null" : Array.isArray(v) ? "array" : (typeof v as JsonType));
    else return undefined;
  }
  if (types.has("number")) types.add("integer");
  return types;
}

const typeOfValue = (v: unknown): JsonType =>
  v === null
    ? "null"
    : Array.isArray(v)
      ? "array"
      : typeof v === "number"
        ? Number.isInteger(v)
          ? "integer"
          : "number"
        : (typeof v as JsonType);

/** A JSON value of a type the schema refuses at that place. */
function wrongValue(allowed: Set<JsonType>): fc.Arbitrary<unknown> {
  const candidates: fc.Arbitrary<unknown>[] = [
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    // A big array: 10k–100k elements.
    fc.integer({ min: 10_000, max: 100_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  ];
  const usable = candidates.filter((arb) =>
    fc.sample(arb, { numRuns: 3, seed: 1 }).every((v) => !allowed.has(typeOfValue(v))),
  );
  return fc.oneof(...usable).filter((v) => !allowed.has(typeOfValue(v)));
}

/** Every path into a JSON value, with the value found there. */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
): [(string | number)[], unknown][] {
  const here: [(string | number)[], unknown][] = prefix.length > 0 ? [[prefix, value]] : [];
  if (Array.isArray(value))
    return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

/** A deep copy of `value` with `path` set to `replacement` (an own property even for "__proto__"). */
function setAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[Number(head)] = setAt(copy[Number(head)], rest, replacement);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    Object.defineProperty(copy, k, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  const key = String(head);
  Object.defineProperty(copy, key, {
    value: setAt(copy[key], rest, replacement),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

const isIdPath = (path: readonly (string | number)[]): boolean => {
  const names = path.filter((p): p is string => typeof p === "string");
  const last = names.at(-1) ?? "";
  // externalId is the caller's own free text (hashed into the id), not an id of this service.
  if (last === "externalId") return false;
  return typeof path.at(-1) === "number" ? /Ids$/.test(last) : /(?:^id|Id)$/.test(last);
};

/** Keys of every record (additionalProperties) object in the valid body: where a map key is input. */
function recordPaths(root: JsonSchema, body: unknown): (string | number)[][] {
  return [[] as (string | number)[], ...pathsOf(body).map(([p]) => p)].filter((p) =>
    nodesAt(root, root, p).some((n) => typeof n.additionalProperties === "object"),
  );
}

interface Hostile {
  label: string;
  request: RawRequest;
  /** Codes that are the right refusal for this input. */
  codes: readonly string[];
}

const validation = ["VALIDATION_FAILED"] as const;

function bodyVariants(fn: HttpFunctionDefinition, base: Valid): fc.Arbitrary<Hostile>[] {
  if (!fn.body || base.body === undefined) return [];
  const root = jsonSchemaOf(fn.body);
  const body = base.body;
  const withBody = (bytes: Uint8Array, extra: Record<string, string> = {}): RawRequest => ({
    ...base,
    body: bytes,
    headers: { ...base.headers, ...extra },
  });
  const json = (value: unknown) => withBody(utf8(JSON.stringify(value)));
  const typed = pathsOf(body)
    .map(([path]) => ({ path, allowed: typesOf(root, nodesAt(root, root, path)) }))
    .filter((p): p is { path: (string | number)[]; allowed: Set<JsonType> } => !!p.allowed);
  const strings = pathsOf(body)
    .filter(([, v]) => typeof v === "string")
    .map(([path]) => ({ path, max: nodesAt(root, root, path).map((n) => n.maxLength ?? Infinity) }))
    .map(({ path, max }) => ({ path, max: Math.max(...max) }))
    .filter(({ max }) => Number.isFinite(max));
  const ids = pathsOf(body)
    .map(([p]) => p)
    .filter(isIdPath);
  const records = recordPaths(root, body);

  const variants: fc.Arbitrary<Hostile>[] = [
    // Not an object at all, or JSON that is not JSON.
    fc
      .oneof(
        fc.integer().map(String),
        fc.string({ maxLength: 30 }).map((s) => JSON.stringify(s)),
        fc.constant("null"),
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }).map((a) => JSON.stringify(a)),
        fc.constantFrom("{", '{"a":', "[1,2", "{'a':1}", "undefined", "NaN", '{"a":1}}'),
      )
      .map((text) => ({
        label: `body ${text.slice(0, 40)}`,
        request: withBody(utf8(text)),
        codes: validation,
      })),
    // Deep nesting: thousands of levels of arrays.
    fc.integer({ min: 1000, max: 5000 }).map((depth) => ({
      label: `${depth} nested arrays`,
      request: withBody(utf8(`${"[".repeat(depth)}${"]".repeat(depth)}`)),
      codes: validation,
    })),
    // Invalid UTF-8 inside an otherwise valid body.
    fc
      .constantFrom(
        [0xff],
        [0xc3, 0x28],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
        [0x80],
      )
      .map((bad) => {
        const text = utf8(JSON.stringify(body));
        const at = text.indexOf(0x22) + 1; // inside the first key
        const bytes = new Uint8Array([...text.slice(0, at), ...bad, ...text.slice(at)]);
        return {
          label: `invalid UTF-8 ${bad.join(",")}`,
          request: withBody(bytes),
          codes: validation,
        };
      }),
    // The right body under another media type.
    fc
      .constantFrom(
        "text/plain",
        "application/xml",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "json",
      )
      .map((type) => ({
        label: `content-type ${type}`,
        request: withBody(utf8(JSON.stringify(body)), { "content-type": type }),
        codes: ["UNSUPPORTED_MEDIA_TYPE"],
      })),
    // Just over the limit.
    fc.integer({ min: 1, max: 4096 }).map((extra) => ({
      label: `body of ${MAX_BODY_BYTES + extra} bytes`,
      request: withBody(utf8(JSON.stringify(body).padEnd(MAX_BODY_BYTES + extra, " "))),
      codes: ["PAYLOAD_TOO_LARGE"],
    })),
  ];
  if (typed.length > 0)
    variants.push(
      fc.constantFrom(...typed).chain(({ path, allowed }) =>
        wrongValue(allowed).map((value) => ({
          label: `${path.join(".")} = ${JSON.stringify(value)?.slice(0, 40)}`,
          request: json(setAt(body, path, value)),
          codes: validation,
        })),
      ),
    );
  if (strings.length > 0)
    variants.push(
      fc.constantFrom(...strings).chain(({ path, max }) =>
        fc
          .oneof(
            fc.integer({ min: max + 1, max: max + 1000 }),
            fc.constantFrom(64 * 1024, 1_000_000),
          )
          .map((length) => ({
            label: `${path.join(".")} of ${length} characters`,
            request: json(setAt(body, path, "x".repeat(length))),
            codes: validation,
          })),
      ),
    );
  if (ids.length > 0)
    variants.push(
      fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...hostileIds)).map(([path, id]) => ({
        label: `${path.join(".")} = ${JSON.stringify(id)}`,
        request: json(setAt(body, path, id)),
        codes: validation,
      })),
    );
  if (records.length > 0)
    variants.push(
      fc
        .tuple(fc.constantFrom(...records), fc.constantFrom(...prototypeKeys, ...hostileIds))
        .map(([path, key]) => ({
          label: `key ${JSON.stringify(key)} in ${path.join(".") || "(body)"}`,
          request: json(setAt(body, [...path, key], { answerIds: ["yes"] })),
          codes: validation,
        })),
    );
  return variants;
}

function pathVariants(fn: HttpFunctionDefinition, base: Valid): fc.Arbitrary<Hostile>[] {
  const names = Object.keys(base.params ?? {});
  if (names.length === 0) return [];
  return [
    fc
      .tuple(
        fc.constantFrom(...names),
        fc.oneof(
          fc.constantFrom(...hostileIds),
          fc
            .string({ unit: "binary", minLength: 1, maxLength: 80 })
            .filter((s) => !/^[A-Za-z0-9_-]{1,64}$/.test(s)),
        ),
      )
      .map(([name, id]) => ({
        label: `path ${name} = ${JSON.stringify(id)}`,
        request: { ...toBytes(base), params: { ...base.params, [name]: id } },
        codes: ["NOT_FOUND"],
      })),
  ];
}

function queryVariants(
  fn: HttpFunctionDefinition,
  base: Valid,
  tokens: Tokens,
): fc.Arbitrary<Hostile>[] {
  if (!fn.query) return [];
  const schema = fn.query;
  const root = jsonSchemaOf(schema);
  const keys = Object.keys(root.properties ?? {});
  const own = tokens.own[fn.name];
  const withQuery = (query: string): Hostile => ({
    label: `?${query.slice(0, 60)}`,
    request: { ...toBytes(base), query },
    codes: validation,
  });
  const tampered: fc.Arbitrary<string>[] = [
    fc.string({
      unit: fc.constantFrom(
        ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split(""),
      ),
      minLength: 1,
      maxLength: 200,
    }),
    fc.constant("A".repeat(8193)),
    fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString("base64url")),
    fc
      .record({ v: fc.constant(1), f: fc.string(), t: fc.string(), c: fc.string() })
      .map((e) => Buffer.from(JSON.stringify(e)).toString("base64url")),
    fc.constantFrom(...tokens.foreign.filter((token) => token !== own)),
  ];
  if (own) {
    tampered.push(
      fc
        .tuple(fc.nat(own.length - 1), fc.constantFrom(..."AbZ09-_".split("")))
        .map(([i, ch]) =>
          own[i] === ch
            ? `${own.slice(0, i)}${ch === "A" ? "B" : "A"}${own.slice(i + 1)}`
            : `${own.slice(0, i)}${ch}${own.slice(i + 1)}`,
        ),
      fc.nat(own.length - 2).map((n) => own.slice(0, n + 1)),
      fc
        .constantFrom(`${own}A`, `${own}=`, `${own} `, own.replaceAll("-", "+"))
        .filter((t) => t !== own),
    );
  }
  const badValue = fc
    .tuple(
      fc.constantFrom(...keys.filter((k) => k !== "continuationToken")),
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom(
          "0",
          "201",
          "-1",
          "1.5",
          "NaN",
          "Infinity",
          "",
          "tomorrow",
          "2026-13-01T00:00:00Z",
          "TRUE",
          "yes",
          ...hostileIds,
        ),
      ),
    )
    .filter(([key, value]) => !schema.safeParse({ [key]: value }).success)
    .map(([key, value]) => withQuery(new URLSearchParams({ [key]: value }).toString()));
  return [
    badValue,
    ...(pages(fn)
      ? [
          fc
            .oneof(...tampered)
            .map((token) =>
              withQuery(new URLSearchParams({ continuationToken: token }).toString()),
            ),
        ]
      : []),
    fc.constantFrom(...keys).map((key) => withQuery(`${key}=1&${key}=2`)),
  ];
}

/** Whether a function's query pages (takes a continuation token). */
const pages = (fn: HttpFunctionDefinition): boolean =>
  fn.query !== undefined && "continuationToken" in (jsonSchemaOf(fn.query).properties ?? {});

// ---------- fixtures and one valid request per function ----------

interface Fixture {
  formId: string;
  sessionId: string;
  sessionEtag: string;
  spareInteractionId: string;
  interactionId: string;
  actionItemId: string;
  actionItemEtag: string;
  /** A completed session with an open dispute, and one with none yet. */
  disputedSessionId: string;
  disputedEtag: string;
  disputeId: string;
  completedSessionId: string;
  completedEtag: string;
  calibrationId: string;
  policyId: string;
  operationId: string;
}

type Valid = Omit<RawRequest, "body"> & { body?: unknown };

async function arrange(app: TestApp): Promise<Fixture> {
  const { id: formId } = await createForm(app);
  await createForm(app, { ...customerCare, name: "Second form" });
  // Picked by criteria, so replace-interaction has something to replace.
  const s = await createSession(
    app,
    { interaction: { mode: "criteria", criteria: { agentId: agent.userId } } },
    formId,
  );
  const saved = await saveBestAnswers(app, s);
  const second = await createSession(app, {}, formId);
  const spare = await ingest(app);
  const notify = (id: string) =>
    app.call("sessionsNotifyAgent", {
      as: alice,
      params: { id },
      body: { dueDate: "2026-12-05T00:00:00Z", summary: "Have a look", showScore: false },
    });
  const item = await notify(s.sessionId);
  await notify(second.sessionId);
  await app.blobs.mediaUploadUrl("t1", s.interactionId, "audio/wav");
  const completed = async () => {
    const c = await createSession(app, {}, formId);
    const done = await completeWithBestAnswers(app, c);
    return { id: c.sessionId, etag: done.headers.etag ?? "" };
  };
  const dispute = async ({ id, etag }: { id: string; etag: string }) =>
    app.call("sessionsDisputes", {
      as: admin,
      params: { id },
      headers: { "if-match": etag },
      body: {
        comment: "Check",
        items: [{ formId, questionId: "greet", proposed: { answerIds: ["no"] } }],
      },
    });
  const disputed = await dispute(await completed());
  await dispute(await completed());
  const open = await completed();
  // Two calibrations, so that their list has a second page.
  for (const calibrationId of ["fuzz-cal", "fuzz-cal-2"]) {
    await createSession(app, { type: "Calibration", calibrationId }, formId);
  }
  // Two policies and two runs, so each list has a second page; runs over an agent with no
  // interactions create nothing.
  const policy = await app.call("policiesCreate", { as: admin, body: policyBody(formId) });
  await app.call("policiesCreate", { as: admin, body: { ...policyBody(formId), name: "Second" } });
  const run = () =>
    app.call("policiesRun", { as: admin, params: { id: policy.json.id }, body: {} });
  const op = await run();
  await run();
  // Enough analytics for the skill gaps to fill two pages (a continuation token to tamper with).
  const plan = { tenantId: "t1", formId, sessions: 80, agents: 4, questions: 3 };
  for (const bucket of syntheticBuckets({ ...plan, firstDay: "2026-11-01", days: 20 }, NOW))
    await app.stores.analytics.put(bucket, null);
  return {
    calibrationId: "fuzz-cal",
    formId,
    sessionId: s.sessionId,
    sessionEtag: saved.headers.etag ?? "",
    interactionId: s.interactionId,
    spareInteractionId: spare.id,
    actionItemId: item.json.id,
    actionItemEtag: item.headers.etag ?? "",
    disputedSessionId: disputed.json.sessionId,
    disputedEtag: disputed.headers.etag ?? "",
    disputeId: disputed.json.id,
    completedSessionId: open.id,
    completedEtag: open.etag,
    policyId: policy.json.id,
    operationId: op.json.operationId,
  };
}

const policyBody = (formId: string) => ({
  name: "Fuzz policy",
  enabled: true,
  type: "Distributed",
  formIds: [formId],
  criteria: { agentIds: ["agent-without-interactions"], channel: "voice", minDurationSeconds: 0 },
  quota: { perAgent: 2, period: "week" },
  evaluatorIds: [alice.userId, bob.userId],
  dueInDays: 7,
});

/** A request that would succeed: hostile variants change one part of it. */
function validRequest(name: string, fx: Fixture): Valid | undefined {
  const session = { params: { id: fx.sessionId } };
  const ifMatch = { "if-match": fx.sessionEtag };
  const requests: Record<string, Valid> = {
    docsAssets: { params: { name: "swagger-ui" } },
    formsCreate: { as: admin, body: customerCare },
    formsList: { as: admin },
    formsGet: { as: admin, params: { id: fx.formId } },
    formsUpdate: {
      as: admin,
      params: { id: fx.formId },
      headers: { "if-match": '"1"' },
      body: customerCare,
    },
    interactionsCreate: {
      as: admin,
      body: {
        externalId: "fuzz-1",
        agentId: agent.userId,
        startedAt: "2026-11-22T10:00:00Z",
        durationSeconds: 60,
        channel: "voice",
      },
    },
    interactionsList: { as: admin },
    interactionsGet: { as: admin, params: { id: fx.interactionId } },
    sessionsArchive: { as: admin, body: { ids: [fx.sessionId] } },
    sessionsCreate: {
      as: admin,
      body: {
        name: "Fuzz",
        type: "Distributed",
        formIds: [fx.formId],
        evaluatorId: bob.userId,
        dueDate: "2026-12-01T00:00:00Z",
        interaction: { mode: "manual", interactionId: fx.spareInteractionId },
      },
    },
    sessionsList: { as: admin },
    sessionsGet: { as: admin, ...session },
    sessionsMedia: { as: admin, ...session },
    sessionsAssign: { as: admin, ...session, headers: ifMatch, body: { evaluatorId: bob.userId } },
    sessionsAnswers: {
      as: alice,
      ...session,
      headers: ifMatch,
      body: {
        answers: { [fx.formId]: { greet: { answerIds: ["no"] }, notes: { text: "ok" } } },
        showScore: true,
      },
    },
    sessionsComplete: {
      as: alice,
      ...session,
      headers: ifMatch,
      body: { notifyAgent: { dueDate: "2026-12-05T00:00:00Z", summary: "Done", showScore: true } },
    },
    sessionsReplaceInteraction: {
      as: alice,
      ...session,
      headers: ifMatch,
      body: { interactionId: fx.spareInteractionId },
    },
    sessionsDefaultScores: { as: alice, ...session, headers: ifMatch, body: { enabled: true } },
    sessionsNotifyAgent: {
      as: alice,
      ...session,
      body: { dueDate: "2026-12-05T00:00:00Z", summary: "Hello", showScore: true },
    },
    sessionsExports: { as: alice, ...session, body: { format: "csv", password: "correct horse" } },
    policiesCreate: { as: admin, body: policyBody(fx.formId) },
    policiesList: { as: admin },
    policiesGet: { as: admin, params: { id: fx.policyId } },
    policiesUpdate: {
      as: admin,
      params: { id: fx.policyId },
      headers: { "if-match": '"1"' },
      body: policyBody(fx.formId),
    },
    policiesRun: {
      as: admin,
      params: { id: fx.policyId },
      body: { periodStart: "2026-11-17T00:00:00Z", dryRun: true },
    },
    operationsGet: { as: admin, params: { id: fx.operationId } },
    operationsList: { as: admin, query: `policyId=${fx.policyId}` },
    actionItemsList: { as: admin },
    actionItemsGet: { as: agent, params: { id: fx.actionItemId } },
    actionItemsResponses: {
      as: agent,
      params: { id: fx.actionItemId },
      headers: { "if-match": fx.actionItemEtag },
      body: { message: "Thanks" },
    },
    actionItemsClose: {
      as: agent,
      params: { id: fx.actionItemId },
      headers: { "if-match": fx.actionItemEtag },
    },
    sessionsHistory: { as: admin, ...session },
    sessionsVersions: { as: admin, params: { id: fx.completedSessionId } },
    sessionsVersion: { as: admin, params: { id: fx.completedSessionId, n: "1" } },
    sessionsDisputes: {
      as: admin,
      params: { id: fx.completedSessionId },
      headers: { "if-match": fx.completedEtag },
      body: {
        comment: "Please look again",
        items: [
          { formId: fx.formId, questionId: "verify", proposed: { na: true }, comment: "02:10" },
        ],
      },
    },
    disputesList: { as: admin },
    disputesGet: { as: admin, params: { id: fx.disputeId } },
    disputesResolve: {
      as: alice,
      params: { id: fx.disputeId },
      headers: { "if-match": fx.disputedEtag },
      body: {
        decisions: [
          {
            formId: fx.formId,
            questionId: "greet",
            outcome: "accepted",
            reasonCode: "GRADER_ERROR",
          },
        ],
        comment: "Agreed",
      },
    },
    disputesWithdraw: {
      as: admin,
      params: { id: fx.disputeId },
      headers: { "if-match": fx.disputedEtag },
    },
    calibrationsList: { as: admin },
    calibrationsGet: { as: admin, params: { calibrationId: fx.calibrationId } },
    calibrationsPut: {
      as: admin,
      params: { calibrationId: fx.calibrationId },
      body: { expertEvaluatorId: alice.userId, blind: false },
    },
    analyticsEvaluators: { as: admin, query: "from=2026-11-01&to=2026-12-01" },
    analyticsAgent: { as: admin, params: { agentId: "agent-3" } },
    analyticsSkillGaps: { as: alice },
    analyticsTrend: { as: bob },
  };
  return requests[name];
}

interface Tokens {
  /** A genuine first-page token of each list endpoint, as the valid request's caller. */
  own: Record<string, string>;
  /** Genuine envelopes issued for another tenant or another query. */
  foreign: string[];
}

const toBytes = (valid: Valid): RawRequest => {
  const { body, ...rest } = valid;
  return body === undefined ? rest : { ...rest, body: utf8(JSON.stringify(body)) };
};

const inputs = registeredFunctions().filter(
  (f): f is HttpFunctionDefinition =>
    f.kind === "http" && (f.body !== undefined || f.query !== undefined || /\{/.test(f.route)),
);

/** A list endpoint: its query takes a continuation token. */
describe("hostile input", () => {
  let app: TestApp;
  let fx: Fixture;
  const tokens: Tokens = { own: {}, foreign: [] };
  const tenants = ["t1", otherTenantAdmin.tenantId];
  const pollution = () => ({}) as Record<string, unknown>;

  beforeAll(async () => {
    app = await createTestApp({ settings: { FEATURE_DEFAULT_SCORES: "true" } });
    fx = await arrange(app);
    for (const fn of inputs.filter(pages)) {
      const params = validRequest(fn.name, fx)?.params ?? {};
      const res = await app.call(fn.name, { as: admin, params, query: { limit: "1" } });
      if (typeof res.json?.continuationToken === "string")
        tokens.own[fn.name] = res.json.continuationToken;
    }
    tokens.foreign.push(
      encodeContinuation(formListIdentity(otherTenantAdmin.tenantId), '["Customer care","x"]'),
      encodeContinuation(
        sessionListIdentity("t1", { archived: true, now: "" }),
        '["2026-12-01T00:00:00Z","x"]',
      ),
      ...Object.values(tokens.own),
    );
  });

  afterAll(() => {
    expect(pollution().polluted).toBeUndefined();
  });

  it("covers every HTTP function that takes a body, a query or a path id", () => {
    const missing = inputs.filter((fn) => !validRequest(fn.name, fx)).map((fn) => fn.name);
    expect(missing).toEqual([]);
    expect(Object.keys(tokens.own).sort()).toEqual(
      inputs
        .filter(pages)
        .map((f) => f.name)
        .sort(),
    );
  });

  it.each(inputs.map((fn) => [fn.name, fn] as const))(
    "%s answers hostile input with a 4xx and changes nothing",
    async (_name, fn) => {
      const valid = validRequest(fn.name, fx);
      if (!valid) throw new Error(`no valid request for ${fn.name}`);
      const variants = [
        ...bodyVariants(fn, valid),
        ...pathVariants(fn, valid),
        ...queryVariants(fn, valid, tokens),
      ];
      expect(variants.length).toBeGreaterThan(0);
      const before = await snapshot(app, tenants);
      const logs: string[] = [];
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(fc.oneof(...variants), async (hostile) => {
          const res = await send(app, fn, hostile.request, logs);
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          const detail = `${hostile.label} → ${res.status} ${JSON.stringify(res.json)?.slice(0, 300)}`;
          expect(res.status, detail).toBeGreaterThanOrEqual(400);
          expect(res.status, detail).toBeLessThan(500);
          expect(res.contentType, detail).toMatch(/^application\/problem\+json/);
          expect(res.json, detail).toMatchObject({
            status: res.status,
            code: expect.stringMatching(/^[A-Z_]+$/),
          });
          expect(hostile.codes, detail).toContain((res.json as { code: string }).code);
          expect(await snapshot(app, tenants), detail).toBe(before);
          expect(pollution().polluted, detail).toBeUndefined();
        }),
        { numRuns: NUM_RUNS },
      );
      expect(logs.filter((line) => /unhandled error/.test(line))).toEqual([]);
      // The unaltered request passes (on fresh data): the refusals came from the hostile part.
      const fresh = await createTestApp({ settings: { FEATURE_DEFAULT_SCORES: "true" } });
      try {
        const freshValid = validRequest(fn.name, await arrange(fresh));
        if (!freshValid) throw new Error(`no valid request for ${fn.name}`);
        const baseline = await send(fresh, fn, toBytes(freshValid), logs);
        expect(baseline.status, JSON.stringify(baseline.json)).toBeLessThan(300);
      } finally {
        setServices(app.services);
      }
    },
  );

  it("never lets a prototype key added to a valid body reach Object.prototype", async () => {
    for (const fn of inputs.filter((f) => f.body)) {
      const fresh = await createTestApp({ settings: { FEATURE_DEFAULT_SCORES: "true" } });
      const valid = validRequest(fn.name, await arrange(fresh));
      if (!valid || valid.body === undefined || typeof valid.body !== "object") continue;
      const text = JSON.stringify(valid.body).replace(
        /^\{/,
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},',
      );
      const res = await send(fresh, fn, { ...toBytes(valid), body: utf8(text) }, []);
      expect(res.status, `${fn.name}: ${JSON.stringify(res.json)}`).toBeLessThan(500);
      expect(pollution().polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("polluted");
    }
  });
});
