// The sessions grid over real HTTP against cosmosdb-server: paging with continuation tokens sent
// back verbatim, every filter, who sees what, and the 400s for bad paging input; also GET /forms
// paging and GET /interactions filters. The data is built once in a random tenant and the
// expectations are computed from what was created, never hard-coded.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../shared/domain/access.js";
import { api, callerWith, tokenFor, type ApiResponse } from "./support/http.js";
import { customerCareForm } from "../dev/example-form.js";

const tenantId = `grid-${randomUUID().slice(0, 8)}`;
const PAST_DAY = (d: number) => `2020-01-${String(d).padStart(2, "0")}T00:00:00.000Z`;
const FUTURE_DAY = (m: number, d: number) =>
  `2030-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T00:00:00.000Z`;
const CALIBRATION = "cal-grid";

const roleOf = {
  admin: ["QM.Administrator"],
  alice: ["QM.Evaluator"],
  bob: ["QM.Evaluator"],
} as const satisfies Record<string, readonly Role[]>;
type Person = keyof typeof roleOf;
const tokens = new Map<Person, string>();
const call = callerWith(tokens);

interface Row {
  id: string;
  dueDate: string;
  type: string;
  evaluatorId: string | null;
  agentId: string;
  calibrationId?: string;
  status: string;
  archived: boolean;
  interactionId: string;
}
const rows: Row[] = [];
interface InteractionRow {
  id: string;
  agentId: string;
  startedAt: string;
}
const interactions: InteractionRow[] = [];
let careFormId = "";

const byDueThenId = (a: Row, b: Row) =>
  a.dueDate === b.dueDate ? (a.id < b.id ? -1 : 1) : a.dueDate < b.dueDate ? -1 : 1;
const idsOf = (items: { id: string }[]) => items.map((i) => i.id);

/** Every page of a list query, following continuation tokens exactly as the service sent them. */
async function pages(
  path: string,
  query: Record<string, string>,
  token: string,
): Promise<{ id: string }[][]> {
  const result: { id: string }[][] = [];
  let continuationToken: string | null = null;
  do {
    const params = new URLSearchParams(query);
    if (continuationToken !== null) params.set("continuationToken", continuationToken);
    const res: ApiResponse<any> = await api<any>(`${path}?${params.toString()}`, { token });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    result.push(res.json.items as { id: string }[]);
    continuationToken = res.json.continuationToken as string | null;
    if (result.length > 50) throw new Error("paging does not end");
  } while (continuationToken !== null);
  return result;
}

async function gridIds(query: Record<string, string>, person: Person = "admin") {
  return (await pages("sessions", query, tokens.get(person)!)).flat().map((i) => i.id);
}

let ingested = 0;
async function ingest(agentId: string): Promise<string> {
  ingested++;
  // One hour apart, so the interactions' order is known.
  const startedAt = new Date(Date.UTC(2026, 9, 1, ingested)).toISOString();
  const res = await call("admin", "POST", "interactions", {
    externalId: `${tenantId}-${ingested}`,
    agentId,
    startedAt,
    durationSeconds: 60,
    channel: "chat",
  });
  expect(res.status).toBe(201);
  interactions.push({ id: res.json.id as string, agentId, startedAt });
  return res.json.id as string;
}

interface Spec {
  type?: "Distributed" | "Shared" | "Calibration";
  evaluatorId?: string;
  agentId: string;
  dueDate: string;
  interactionId?: string;
  /** What to do after creating it. */
  then?: "save" | "complete" | "complete+archive" | "archive";
}

const best = () => ({
  [careFormId]: {
    greet: { answerIds: ["yes"] },
    verify: { answerIds: ["full"] },
    resolved: { answerIds: ["yes"] },
  },
});

async function create(spec: Spec): Promise<Row> {
  const type = spec.type ?? "Distributed";
  const interactionId = spec.interactionId ?? (await ingest(spec.agentId));
  const res = await call("admin", "POST", "sessions", {
    name: `Grid ${rows.length + 1}`,
    type,
    formIds: [careFormId],
    ...(type === "Shared" ? {} : { evaluatorId: spec.evaluatorId ?? "alice" }),
    ...(type === "Calibration" ? { calibrationId: CALIBRATION } : {}),
    dueDate: spec.dueDate,
    interaction: { mode: "manual", interactionId },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  const row: Row = {
    id: res.json.id as string,
    dueDate: res.json.dueDate as string,
    type,
    evaluatorId: res.json.evaluatorId as string | null,
    agentId: spec.agentId,
    ...(type === "Calibration" ? { calibrationId: CALIBRATION } : {}),
    status: res.json.status as string,
    archived: false,
    interactionId,
  };
  let etag = res.headers.get("etag")!;
  const evaluator = (row.evaluatorId ?? "alice") as Person;
  if (spec.then === "save" || spec.then?.startsWith("complete")) {
    const saved = await call(
      evaluator,
      "PUT",
      `sessions/${row.id}/answers`,
      { answers: best() },
      etag,
    );
    expect(saved.status).toBe(200);
    row.status = saved.json.status as string;
    etag = saved.headers.get("etag")!;
  }
  if (spec.then?.startsWith("complete")) {
    const done = await call(evaluator, "POST", `sessions/${row.id}/complete`, {}, etag);
    expect(done.status).toBe(200);
    row.status = "Completed";
  }
  if (spec.then?.endsWith("archive")) {
    const archived = await call("admin", "POST", "sessions/archive", { ids: [row.id] });
    expect(archived.json.archived).toEqual([row.id]);
    row.archived = true;
  }
  rows.push(row);
  return row;
}

beforeAll(async () => {
  for (const [person, roles] of Object.entries(roleOf) as [Person, readonly Role[]][]) {
    tokens.set(person, await tokenFor({ tenantId, userId: person, roles }));
  }
  const form = await call("admin", "POST", "forms", customerCareForm);

  expect(form.status).toBe(201);
  careFormId = form.json.id as string;

  // 25 visible sessions (several sharing a due date, so the id decides) and 2 archived ones.
  for (let i = 0; i < 12; i++) {
    await create({
      agentId: i % 2 === 0 ? "agent-g1" : "agent-g2",
      dueDate: FUTURE_DAY(1, 1 + Math.floor(i / 2)),
      ...(i === 3 ? { then: "save" as const } : {}),
    });
  }
  for (let i = 0; i < 5; i++) {
    await create({
      evaluatorId: "bob",
      agentId: "agent-g2",
      dueDate: FUTURE_DAY(2, 1 + i),
      ...(i === 0 ? { then: "complete" as const } : {}),
    });
  }
  for (let i = 0; i < 3; i++) {
    await create({ type: "Shared", agentId: "agent-g3", dueDate: FUTURE_DAY(1, 3) });
  }
  const calibrationInteraction = await ingest("agent-g3");
  for (const evaluatorId of ["alice", "bob"]) {
    await create({
      type: "Calibration",
      evaluatorId,
      agentId: "agent-g3",
      dueDate: FUTURE_DAY(3, 1),
      interactionId: calibrationInteraction,
    });
  }
  for (let i = 0; i < 3; i++) {
    await create({ agentId: "agent-g1", dueDate: PAST_DAY(1 + i) });
  }
  await create({ agentId: "agent-g1", dueDate: PAST_DAY(9), then: "archive" });
  await create({
    evaluatorId: "bob",
    agentId: "agent-g2",
    dueDate: FUTURE_DAY(2, 9),
    then: "complete+archive",
  });
  expect(rows.filter((r) => !r.archived)).toHaveLength(25);
}, 120_000);

const expected = (keep: (row: Row) => boolean) =>
  rows
    .filter(keep)
    .sort(byDueThenId)
    .map((r) => r.id);

describe("GET /sessions paging", () => {
  it("pages 25 sessions by 10 in dueDate, id order with nothing lost or repeated", async () => {
    const got = await pages("sessions", { limit: "10" }, tokens.get("admin")!);
    expect(got.map((p) => p.length)).toEqual([10, 10, 5]);
    const ids = got.flat().map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected((r) => !r.archived));
  });

  it("returns summaries without answers or form bodies", async () => {
    const res = await call("admin", "GET", "sessions?limit=1");
    const [first] = res.json.items as Record<string, unknown>[];
    expect(Object.keys(first!).sort()).toEqual(
      [
        "agentId",
        "archived",
        "dueDate",
        "evaluatorId",
        "id",
        "interaction",
        "lastEditedAt",
        "name",
        "score",
        "status",
        "type",
      ].sort(),
    );
    expect(Object.keys(first!.interaction as object).sort()).toEqual(["externalId", "id"]);
  });
});

describe("GET /sessions filters", () => {
  const cases: [string, Record<string, string>, (r: Row) => boolean][] = [
    ["status=Expired", { status: "Expired" }, (r) => !r.archived && r.status === "Expired"],
    ["status=Pending", { status: "Pending" }, (r) => !r.archived && r.status === "Pending"],
    [
      "status=InProgress",
      { status: "InProgress" },
      (r) => !r.archived && r.status === "InProgress",
    ],
    ["status=Completed", { status: "Completed" }, (r) => !r.archived && r.status === "Completed"],
    [
      "status=Unassigned",
      { status: "Unassigned" },
      (r) => !r.archived && r.status === "Unassigned",
    ],
    ["type=Shared", { type: "Shared" }, (r) => !r.archived && r.type === "Shared"],
    ["type=Calibration", { type: "Calibration" }, (r) => !r.archived && r.type === "Calibration"],
    ["evaluatorId=bob", { evaluatorId: "bob" }, (r) => !r.archived && r.evaluatorId === "bob"],
    ["agentId=agent-g2", { agentId: "agent-g2" }, (r) => !r.archived && r.agentId === "agent-g2"],
    [
      "calibrationId",
      { calibrationId: CALIBRATION },
      (r) => !r.archived && r.calibrationId === CALIBRATION,
    ],
    ["archived=false", { archived: "false" }, (r) => !r.archived],
    ["archived=true", { archived: "true" }, (r) => r.archived],
    ["archived=all", { archived: "all" }, () => true],
    [
      "dueBefore",
      { dueBefore: FUTURE_DAY(1, 4) },
      (r) => !r.archived && r.dueDate < FUTURE_DAY(1, 4),
    ],
    [
      "status=Expired&archived=all",
      { status: "Expired", archived: "all" },
      (r) => r.status === "Expired",
    ],
    [
      "type, evaluator and status together",
      { type: "Distributed", evaluatorId: "alice", status: "Pending" },
      (r) =>
        !r.archived &&
        r.type === "Distributed" &&
        r.evaluatorId === "alice" &&
        r.status === "Pending",
    ],
  ];

  it.each(cases)("%s", async (_name, query, keep) => {
    const want = expected(keep);
    expect(want.length).toBeGreaterThan(0);
    // A small page size makes every filter also page.
    expect(await gridIds({ ...query, limit: "4" })).toEqual(want);
  });

  it("shows Expired as the status of an open session past its due date", async () => {
    const res = await call("admin", "GET", "sessions?status=Expired&limit=200");
    const items = res.json.items as { status: string; dueDate: string }[];
    expect(items.length).toBe(3);
    for (const item of items) {
      expect(item.status).toBe("Expired");
      expect(item.dueDate < new Date().toISOString()).toBe(true);
    }
  });
});

describe("GET /sessions visibility", () => {
  it("an Evaluator sees its own sessions and the Unassigned ones", async () => {
    for (const person of ["alice", "bob"] as const) {
      expect(await gridIds({ limit: "200" }, person)).toEqual(
        expected((r) => !r.archived && (r.evaluatorId === person || r.status === "Unassigned")),
      );
    }
  });

  it("an Agent sees only the sessions its action items link", async () => {
    const agentToken = await tokenFor({ tenantId, userId: "agent-g1", roles: ["QM.Agent"] });
    const before = await api<any>("sessions", { token: agentToken });
    expect(before.status).toBe(200);
    expect(before.json.items).toEqual([]);

    const target = rows.find(
      (r) => r.agentId === "agent-g1" && !r.archived && r.status === "Pending",
    )!;
    const otherAgents = rows.find((r) => r.agentId === "agent-g2" && !r.archived)!;
    for (const row of [target, otherAgents]) {
      const note = await call("admin", "POST", `sessions/${row.id}/notify-agent`, {
        dueDate: FUTURE_DAY(4, 1),
        summary: "Please listen to this call",
        showScore: false,
      });
      expect(note.status).toBe(201);
    }
    const after = await api<any>("sessions", { token: agentToken });
    expect(idsOf(after.json.items as { id: string }[])).toEqual([target.id]);
    expect(after.json.items[0]).not.toHaveProperty("score");
    expect((await api<any>(`sessions/${otherAgents.id}`, { token: agentToken })).status).toBe(404);
  });
});

describe("GET /sessions refuses bad paging input with 400", () => {
  async function firstToken(query: Record<string, string>, person: Person = "admin") {
    const res = await call(person, "GET", `sessions?${new URLSearchParams(query).toString()}`);
    expect(res.json.continuationToken).toEqual(expect.any(String));
    return res.json.continuationToken as string;
  }
  const expect400 = (res: ApiResponse<any>, path: string) => {
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json.code).toBe("VALIDATION_FAILED");
    expect((res.json.errors as { path: string }[]).map((e) => e.path).join(" ")).toContain(path);
  };
  const withToken = (token: string, query: Record<string, string> = { limit: "10" }) =>
    `sessions?${new URLSearchParams({ ...query, continuationToken: token }).toString()}`;

  it("a tampered continuation token", async () => {
    const token = await firstToken({ limit: "10" });
    const envelope = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      t: string;
    };
    const edited = Buffer.from(JSON.stringify({ ...envelope, t: `${envelope.t}x` })).toString(
      "base64url",
    );
    expect400(await call("admin", "GET", withToken(edited)), "continuationToken");
    const mid = Math.floor(token.length / 2);
    const flipped = `${token.slice(0, mid)}${token[mid] === "A" ? "B" : "A"}${token.slice(mid + 1)}`;
    expect400(await call("admin", "GET", withToken(flipped)), "continuationToken");
    expect400(await call("admin", "GET", withToken("not-a-token")), "continuationToken");
  });

  it("a token from another query or another tenant", async () => {
    const token = await firstToken({ limit: "10" });
    expect400(
      await call("admin", "GET", withToken(token, { limit: "10", type: "Shared" })),
      "continuationToken",
    );
    const stranger = await tokenFor({
      tenantId: `grid-other-${randomUUID().slice(0, 8)}`,
      userId: "admin",
      roles: ["QM.Administrator"],
    });
    expect400(await api<any>(withToken(token), { token: stranger }), "continuationToken");
    // The same token still works where it came from.
    expect((await call("admin", "GET", withToken(token))).status).toBe(200);
  });

  it.each([
    ["limit=0", "limit=0", "limit"],
    ["limit=201", "limit=201", "limit"],
    ["limit=abc", "limit=abc", "limit"],
    ["an unknown status", "status=Done", "status"],
    ["an unknown type", "type=Solo", "type"],
    ["a bad date", "dueBefore=next-week", "dueBefore"],
    ["archived=maybe", "archived=maybe", "archived"],
    ["a bad evaluator id", "evaluatorId=a%20b", "evaluatorId"],
  ])("%s", async (_name, query, path) => {
    expect400(await call("admin", "GET", `sessions?${query}`), path);
  });
});

describe("GET /forms paging", () => {
  it("pages by name then id", async () => {
    const names = ["Zulu", "Alpha", "Mike", "Alpha"];
    const created: { id: string; name: string }[] = [{ id: careFormId, name: "Customer care" }];
    const definition = (await call("admin", "GET", `forms/${careFormId}`)).json as {
      groups: unknown;
    };
    for (const name of names) {
      const res = await call("admin", "POST", "forms", { name, groups: definition.groups });
      expect(res.status).toBe(201);
      created.push({ id: res.json.id as string, name });
    }
    const want = created
      .sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1))
      .map((f) => f.id);
    const got = await pages("forms", { limit: "2" }, tokens.get("alice")!);
    expect(got.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(got.flat().map((f) => f.id)).toEqual(want);
  });
});

describe("GET /interactions filters", () => {
  const newestFirst = (keep: (i: InteractionRow) => boolean) =>
    interactions
      .filter(keep)
      .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))
      .map((i) => i.id);
  const search = async (query: Record<string, string>) =>
    (await pages("interactions", { ...query, limit: "7" }, tokens.get("admin")!))
      .flat()
      .map((i) => i.id);

  it("filters by agent and by an inclusive from/to range, newest first", async () => {
    expect(await search({})).toEqual(newestFirst(() => true));
    expect(await search({ agentId: "agent-g2" })).toEqual(
      newestFirst((i) => i.agentId === "agent-g2"),
    );
    const from = interactions[3]!.startedAt;
    const to = interactions[8]!.startedAt;
    const inRange = newestFirst((i) => i.startedAt >= from && i.startedAt <= to);
    expect(inRange).toHaveLength(6);
    expect(await search({ from, to })).toEqual(inRange);
  });

  it("filters by evaluated once the completions tagged their interactions", async () => {
    const completed = new Set(
      rows.filter((r) => r.status === "Completed").map((r) => r.interactionId),
    );
    expect(completed.size).toBe(2);
    const deadline = Date.now() + 10_000;
    let evaluated: string[] = [];
    do {
      evaluated = await search({ evaluated: "true" });
      if (evaluated.length >= completed.size) break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < deadline);
    expect(evaluated).toEqual(newestFirst((i) => completed.has(i.id)));
    expect(await search({ evaluated: "false" })).toEqual(newestFirst((i) => !completed.has(i.id)));
  });
});
