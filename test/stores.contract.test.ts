// One behaviour contract for the store ports, run against the Cosmos adapters (over a real
// cosmosdb-server started in-process) and the in-memory adapters, so unit tests written against
// the fakes prove something about production.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeContinuation,
  encodeContinuation,
  sessionListIdentity,
} from "../shared/adapters/continuation.js";
import { createCosmosStores, type CosmosRequestEvent } from "../shared/adapters/cosmos/index.js";
import { createInMemoryStores } from "../shared/adapters/in-memory/index.js";
import type { Calibration } from "../shared/domain/calibration.js";
import type { DisplayStatus, Interaction, SessionDocument } from "../shared/domain/model.js";
import type {
  ActionItemStore,
  CalibrationStore,
  FormStore,
  InteractionStore,
  SessionFilter,
  SessionStore,
} from "../shared/ports.js";
import {
  day,
  freshId,
  makeActionItem,
  makeEvent,
  makeForm,
  makeInteraction,
  makeSession,
} from "./support/fixtures.js";
import { startCosmosTestDatabase } from "./support/stores-cosmos.js";

interface Stores {
  forms: FormStore;
  interactions: InteractionStore;
  sessions: SessionStore;
  actionItems: ActionItemStore;
  calibrations: CalibrationStore;
}

interface Harness {
  stores: Stores;
  /** Stores over the same data with nothing remembered in the process (a cold instance). */
  reopen: () => Stores;
  /** SDK calls recorded since the last reset (Cosmos only). */
  requests?: CosmosRequestEvent[];
  close: () => Promise<void>;
}

const adapters: { name: string; start: () => Promise<Harness> }[] = [
  {
    name: "in-memory",
    start: () => {
      const stores = createInMemoryStores();
      return Promise.resolve({ stores, reopen: () => stores, close: () => Promise.resolve() });
    },
  },
  {
    name: "cosmos",
    start: async () => {
      const db = await startCosmosTestDatabase();
      const requests: CosmosRequestEvent[] = [];
      return {
        stores: createCosmosStores(db.database, { onRequest: (e) => requests.push(e) }),
        reopen: () => createCosmosStores(db.database),
        requests,
        close: db.close,
      };
    },
  },
];

const NOW = day(10);
const grid = (filter: Partial<SessionFilter> = {}): SessionFilter => ({
  archived: false,
  now: NOW,
  ...filter,
});

/** Changes a document a store was given or returned: either it takes no effect or it throws. */
function mutate(change: () => void): void {
  try {
    change();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError); // a frozen document
  }
}

const continuationError = {
  code: "VALIDATION_FAILED",
  errors: [{ path: "query.continuationToken" }],
};

describe.each(adapters)("$name stores", (adapter) => {
  let h: Harness;
  beforeAll(async () => {
    h = await adapter.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  const tenant = () => freshId("tenant");

  async function allSessionIds(tenantId: string, filter: SessionFilter): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await h.stores.sessions.list(tenantId, filter, {
        limit: 50,
        continuationToken: token,
      });
      ids.push(...page.items.map((s) => s.id));
      token = page.continuationToken ?? undefined;
    } while (token);
    return ids;
  }

  describe("forms", () => {
    it("reads back what it created, with its etag and without store fields", async () => {
      const t = tenant();
      const form = makeForm({ tenantId: t });
      const created = await h.stores.forms.create(form);
      const read = await h.stores.forms.get(t, form.id);
      expect(read).toEqual(created);
      expect(read?.doc).toEqual(form);
      expect(Object.keys(read!.doc).filter((k) => k.startsWith("_"))).toEqual([]);
      expect(read?.etag).toEqual(expect.any(String));
    });

    it("answers undefined for a missing id, an id of another tenant and an invalid id", async () => {
      const t = tenant();
      const form = makeForm({ tenantId: t });
      await h.stores.forms.create(form);
      expect(await h.stores.forms.get(t, freshId("missing"))).toBeUndefined();
      expect(await h.stores.forms.get(tenant(), form.id)).toBeUndefined();
      expect(await h.stores.forms.get(t, "../bad id")).toBeUndefined();
    });

    it("keeps the same id in two tenants apart", async () => {
      const [a, b] = [tenant(), tenant()];
      const id = freshId("form");
      await h.stores.forms.create(makeForm({ tenantId: a, id, name: "A" }));
      await h.stores.forms.create(makeForm({ tenantId: b, id, name: "B" }));
      expect((await h.stores.forms.get(a, id))?.doc.name).toBe("A");
      expect((await h.stores.forms.get(b, id))?.doc.name).toBe("B");
    });

    it("refuses to create an existing id with CONFLICT", async () => {
      const form = makeForm({ tenantId: tenant() });
      await h.stores.forms.create(form);
      await expect(h.stores.forms.create({ ...form, name: "Other" })).rejects.toMatchObject({
        code: "CONFLICT",
      });
    });

    it("replaces at the current etag, gives a new etag, and refuses the old one", async () => {
      const t = tenant();
      const created = await h.stores.forms.create(makeForm({ tenantId: t }));
      const replaced = await h.stores.forms.replace(
        { ...created.doc, name: "Renamed", version: 2 },
        created.etag,
      );
      expect(replaced.etag).not.toBe(created.etag);
      expect(replaced.doc.name).toBe("Renamed");
      await expect(
        h.stores.forms.replace({ ...created.doc, name: "Lost update" }, created.etag),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
      expect((await h.stores.forms.get(t, created.doc.id))?.doc.name).toBe("Renamed");
    });

    it("refuses to replace a document that does not exist with NOT_FOUND", async () => {
      const created = await h.stores.forms.create(makeForm({ tenantId: tenant() }));
      await expect(
        h.stores.forms.replace({ ...created.doc, id: freshId("ghost") }, created.etag),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    it("is not changed by later mutation of the objects passed in or returned", async () => {
      const t = tenant();
      const form = makeForm({ tenantId: t });
      const created = await h.stores.forms.create(form);
      // Cosmos serialises what it is given and parses what it returns, so a change afterwards
      // has no effect; the in-memory store freezes both, so the change throws. Either way the
      // stored document stays as written.
      mutate(() => (form.name = "mutated input"));
      mutate(() => (created.doc.groups[0]!.name = "mutated output"));
      const read = await h.stores.forms.get(t, form.id);
      expect(read?.doc.name).toBe("Call quality");
      expect(read?.doc.groups[0]?.name).toBe("Greeting");
    });

    it("lists one tenant's forms by name, then id, in pages", async () => {
      const t = tenant();
      const names = ["Zulu", "Alpha", "Mike", "Alpha", "Bravo"];
      const forms = names.map((name) => makeForm({ tenantId: t, name }));
      for (const form of forms) await h.stores.forms.create(form);
      await h.stores.forms.create(makeForm({ tenantId: tenant(), name: "Aardvark" }));
      const expected = [...forms]
        .sort((x, y) => (x.name === y.name ? (x.id < y.id ? -1 : 1) : x.name < y.name ? -1 : 1))
        .map((f) => f.id);
      const first = await h.stores.forms.list(t, { limit: 3 });
      expect(first.continuationToken).not.toBeNull();
      const second = await h.stores.forms.list(t, {
        limit: 3,
        continuationToken: first.continuationToken!,
      });
      expect(second.continuationToken).toBeNull();
      expect([...first.items, ...second.items].map((f) => f.id)).toEqual(expected);
    });
  });

  describe("sessions: documents", () => {
    it("reads a session back exactly and never changes its revision", async () => {
      const t = tenant();
      const session = makeSession({ tenantId: t, revision: 7 });
      const created = await h.stores.sessions.create(session);
      expect(created.doc).toEqual(session);
      const replaced = await h.stores.sessions.replace(
        { ...created.doc, name: "Renamed" },
        created.etag,
      );
      expect(replaced.doc.revision).toBe(7);
      expect(await h.stores.sessions.get(t, session.id)).toEqual(replaced);
    });

    it("refuses a duplicate id and a stale etag", async () => {
      const t = tenant();
      const created = await h.stores.sessions.create(makeSession({ tenantId: t }));
      await expect(h.stores.sessions.create(created.doc)).rejects.toMatchObject({
        code: "CONFLICT",
      });
      await h.stores.sessions.replace({ ...created.doc, state: "InProgress" }, created.etag);
      await expect(
        h.stores.sessions.replace({ ...created.doc, state: "Completed" }, created.etag),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
      expect((await h.stores.sessions.get(t, created.doc.id))?.doc.state).toBe("InProgress");
    });

    it("does not read another tenant's session by its id", async () => {
      const created = await h.stores.sessions.create(makeSession({ tenantId: tenant() }));
      expect(await h.stores.sessions.get(tenant(), created.doc.id)).toBeUndefined();
    });
  });

  describe("sessions: outbox", () => {
    async function withEvents(tenantId: string, count: number) {
      const id = freshId("ses");
      const events = Array.from({ length: count }, () => makeEvent(id));
      const created = await h.stores.sessions.create(
        makeSession({ tenantId, id, revision: 3, pendingEvents: events, hasPendingEvents: true }),
      );
      return { created, events };
    }

    it("clears the named events only, keeps the revision, and changes the store etag", async () => {
      const t = tenant();
      const { created, events } = await withEvents(t, 2);
      expect(
        await h.stores.sessions.clearOutbox(
          t,
          created.doc.id,
          { eventIds: [events[0]!.id] },
          created.etag,
        ),
      ).toBe(true);
      const after = await h.stores.sessions.get(t, created.doc.id);
      expect(after?.doc.pendingEvents.map((e) => e.id)).toEqual([events[1]!.id]);
      expect(after?.doc.hasPendingEvents).toBe(true);
      expect(after?.doc.revision).toBe(3);
      expect(after?.etag).not.toBe(created.etag);

      expect(
        await h.stores.sessions.clearOutbox(
          t,
          created.doc.id,
          { eventIds: [events[1]!.id] },
          after!.etag,
        ),
      ).toBe(true);
      const cleared = await h.stores.sessions.get(t, created.doc.id);
      expect(cleared?.doc.pendingEvents).toEqual([]);
      expect(cleared?.doc.hasPendingEvents).toBe(false);
      expect(cleared?.doc.revision).toBe(3);
    });

    it("refuses a stale etag and leaves the events in place", async () => {
      const t = tenant();
      const { created, events } = await withEvents(t, 1);
      const moved = await h.stores.sessions.replace(
        { ...created.doc, name: "Edited" },
        created.etag,
      );
      expect(
        await h.stores.sessions.clearOutbox(
          t,
          created.doc.id,
          { eventIds: [events[0]!.id] },
          created.etag,
        ),
      ).toBe(false);
      const after = await h.stores.sessions.get(t, created.doc.id);
      expect(after?.etag).toBe(moved.etag);
      expect(after?.doc.pendingEvents.map((e) => e.id)).toEqual([events[0]!.id]);
    });

    it("clears from a cold instance that never saw the document", async () => {
      const t = tenant();
      const { created, events } = await withEvents(t, 1);
      const cold = h.reopen();
      expect(
        await cold.sessions.clearOutbox(
          t,
          created.doc.id,
          { eventIds: [events[0]!.id] },
          created.etag,
        ),
      ).toBe(true);
      expect((await h.stores.sessions.get(t, created.doc.id))?.doc.hasPendingEvents).toBe(false);
    });

    it("finds sessions with pending events across tenants, up to the limit", async () => {
      const a = await withEvents(tenant(), 1);
      const b = await withEvents(tenant(), 1);
      await h.stores.sessions.create(makeSession({ tenantId: tenant() }));
      const found = (await h.stores.sessions.withPendingEvents(1000)).sessions;
      const ids = found.map((s) => s.doc.id);
      expect(ids).toEqual(expect.arrayContaining([a.created.doc.id, b.created.doc.id]));
      expect(found.every((s) => s.doc.hasPendingEvents)).toBe(true);
      expect((await h.stores.sessions.withPendingEvents(1)).sessions).toHaveLength(1);
    });
  });

  describe("sessions: the grid", () => {
    const t = freshId("tenant-grid");
    const other = freshId("tenant-other");
    const s: Record<string, SessionDocument> = {};
    const sameDue = day(20);

    beforeAll(async () => {
      const define = (key: string, o: Partial<SessionDocument>) => {
        s[key] = makeSession({ tenantId: t, ...o });
      };
      define("pendingFuture", { state: "Pending", dueDate: sameDue, agentId: "a1" });
      define("tieA", { state: "Pending", dueDate: sameDue });
      define("tieB", { state: "Pending", dueDate: sameDue });
      define("pendingPast", { state: "Pending", dueDate: day(5) });
      define("unassignedFuture", {
        type: "Shared",
        state: "Unassigned",
        evaluatorId: null,
        dueDate: day(15),
      });
      define("unassignedPast", {
        type: "Shared",
        state: "Unassigned",
        evaluatorId: null,
        dueDate: day(2),
      });
      define("inProgress", {
        state: "InProgress",
        evaluatorId: "bob",
        agentId: "a2",
        dueDate: day(25),
      });
      define("inProgressPast", { state: "InProgress", evaluatorId: "bob", dueDate: day(9.5) });
      define("completedPast", { state: "Completed", dueDate: day(1), evaluatorId: "carol" });
      define("completedArchived", { state: "Completed", archived: true, dueDate: day(3) });
      define("calibration", {
        type: "Calibration",
        calibrationId: "cal-7",
        evaluatorId: "carol",
        dueDate: day(40),
      });
      define("adHoc", { type: "AdHoc", evaluatorId: "bob", dueDate: day(12) });
      for (const session of Object.values(s)) await h.stores.sessions.create(session);
      for (let i = 0; i < 3; i += 1) {
        await h.stores.sessions.create(makeSession({ tenantId: other, dueDate: day(11) }));
      }
    });

    const order = (keys: string[]) =>
      keys
        .map((k) => s[k]!)
        .sort((x, y) =>
          x.dueDate === y.dueDate ? (x.id < y.id ? -1 : 1) : x.dueDate < y.dueDate ? -1 : 1,
        )
        .map((x) => x.id);
    const notArchived = () => Object.keys(s).filter((k) => k !== "completedArchived");

    it("lists this tenant's unarchived sessions by due date, then id", async () => {
      expect(await allSessionIds(t, grid())).toEqual(order(notArchived()));
    });

    it.each<[DisplayStatus, string[]]>([
      ["Expired", ["pendingPast", "unassignedPast", "inProgressPast"]],
      ["Pending", ["pendingFuture", "tieA", "tieB", "calibration", "adHoc"]],
      ["Unassigned", ["unassignedFuture"]],
      ["InProgress", ["inProgress"]],
      ["Completed", ["completedPast"]],
    ])(
      "derives status %s (a stored open state past its due date is Expired)",
      async (status, keys) => {
        expect(await allSessionIds(t, grid({ status }))).toEqual(order(keys));
      },
    );

    it("shows only archived sessions with archived=true, and both with all", async () => {
      expect(await allSessionIds(t, grid({ archived: true }))).toEqual(
        order(["completedArchived"]),
      );
      expect(await allSessionIds(t, grid({ archived: "all", status: "Completed" }))).toEqual(
        order(["completedPast", "completedArchived"]),
      );
      expect(await allSessionIds(t, grid({ archived: "all" }))).toEqual(order(Object.keys(s)));
    });

    it.each<[string, Partial<SessionFilter>, string[]]>([
      ["type", { type: "Shared" }, ["unassignedFuture", "unassignedPast"]],
      ["evaluatorId", { evaluatorId: "bob" }, ["inProgress", "inProgressPast", "adHoc"]],
      ["agentId", { agentId: "a2" }, ["inProgress"]],
      ["calibrationId", { calibrationId: "cal-7" }, ["calibration"]],
      ["dueBefore", { dueBefore: day(5) }, ["completedPast", "unassignedPast"]],
      ["type and status", { type: "Shared", status: "Expired" }, ["unassignedPast"]],
    ])("filters by %s", async (_name, filter, keys) => {
      expect(await allSessionIds(t, grid(filter))).toEqual(order(keys));
    });

    it("shows an evaluator their own sessions and every Unassigned one", async () => {
      expect(await allSessionIds(t, grid({ visibleToEvaluator: "carol" }))).toEqual(
        order(["completedPast", "calibration", "unassignedFuture", "unassignedPast"]),
      );
    });

    it("restricts to the given ids, never reaching another tenant's", async () => {
      const foreign = await h.stores.sessions.list(other, grid(), { limit: 1 });
      const ids = [s.adHoc!.id, s.inProgress!.id, foreign.items[0]!.id, freshId("none")];
      expect(await allSessionIds(t, grid({ ids }))).toEqual(order(["adHoc", "inProgress"]));
      expect(await allSessionIds(t, grid({ ids: [] }))).toEqual([]);
    });

    it("returns summaries only: no answers, no forms, the session score", async () => {
      const page = await h.stores.sessions.list(t, grid({ ids: [s.inProgress!.id] }), { limit: 5 });
      expect(page.items).toEqual([
        {
          id: s.inProgress!.id,
          name: s.inProgress!.name,
          type: "Distributed",
          state: "InProgress",
          archived: false,
          evaluatorId: "bob",
          agentId: "a2",
          dueDate: s.inProgress!.dueDate,
          lastEditedAt: s.inProgress!.lastEditedAt,
          showScore: false,
          interaction: {
            id: s.inProgress!.interaction.id,
            externalId: s.inProgress!.interaction.externalId,
          },
          score: 100,
        },
      ]);
    });

    it("never lists another tenant's sessions", async () => {
      const mine = new Set(Object.values(s).map((x) => x.id));
      const theirs = await allSessionIds(other, grid({ archived: "all" }));
      expect(theirs).toHaveLength(3);
      expect(theirs.some((id) => mine.has(id))).toBe(false);
    });

    it("pages through 3 pages with tokens sent back verbatim, even as now moves", async () => {
      const expected = order(notArchived());
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await h.stores.sessions.list(t, grid({ now: day(10 + pages / 100) }), {
          limit: 4,
          continuationToken: token,
        });
        expect(page.items.length).toBeLessThanOrEqual(4);
        seen.push(...page.items.map((x) => x.id));
        token = page.continuationToken ?? undefined;
        pages += 1;
      } while (token && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(expected);
    });

    it("refuses a tampered token, one of another tenant and one of another filter", async () => {
      const first = await h.stores.sessions.list(t, grid(), { limit: 2 });
      const token = first.continuationToken!;
      const envelope = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
      const tampered = Buffer.from(
        JSON.stringify({ ...envelope, t: `${envelope.t} ` }),
        "utf8",
      ).toString("base64url");

      for (const bad of [tampered, `${token}x`, "not a token", token.slice(0, -4)]) {
        await expect(
          h.stores.sessions.list(t, grid(), { limit: 2, continuationToken: bad }),
        ).rejects.toMatchObject(continuationError);
      }
      await expect(
        h.stores.sessions.list(other, grid(), { limit: 2, continuationToken: token }),
      ).rejects.toMatchObject(continuationError);
      await expect(
        h.stores.sessions.list(t, grid({ status: "Pending" }), {
          limit: 2,
          continuationToken: token,
        }),
      ).rejects.toMatchObject(continuationError);
      await expect(
        h.stores.sessions.list(t, grid({ archived: "all" }), {
          limit: 2,
          continuationToken: token,
        }),
      ).rejects.toMatchObject(continuationError);
    });

    it("refuses a well-formed envelope whose inner token the store cannot use", async () => {
      const identity = sessionListIdentity(t, grid());
      const forged = encodeContinuation(
        identity,
        '{"token":"+RID:x#RT:1#TRC:2#RTD:!!!","range":{"min":"","max":"FF"}}',
      );
      expect(decodeContinuation(identity, forged)).toContain("RID");
      await expect(
        h.stores.sessions.list(t, grid(), { limit: 2, continuationToken: forged }),
      ).rejects.toMatchObject(continuationError);
    });
  });

  describe("interactions", () => {
    it("creates once and returns the existing one afterwards", async () => {
      const t = tenant();
      const interaction = makeInteraction({ tenantId: t });
      expect(await h.stores.interactions.createIfAbsent(interaction)).toEqual({
        interaction,
        created: true,
      });
      const again = await h.stores.interactions.createIfAbsent({ ...interaction, agentId: "x" });
      expect(again).toEqual({ interaction, created: false });
      expect(await h.stores.interactions.get(t, interaction.id)).toEqual(interaction);
      expect(await h.stores.interactions.get(tenant(), interaction.id)).toBeUndefined();
    });

    it("adds a tag once, however often and concurrently it is added", async () => {
      const t = tenant();
      const interaction = makeInteraction({ tenantId: t, tags: ["Other"] });
      await h.stores.interactions.createIfAbsent(interaction);
      await Promise.all(
        Array.from({ length: 4 }, () =>
          h.stores.interactions.addTag(t, interaction.id, "Evaluated"),
        ),
      );
      await h.stores.interactions.addTag(t, interaction.id, "Evaluated");
      expect((await h.stores.interactions.get(t, interaction.id))?.tags).toEqual([
        "Other",
        "Evaluated",
      ]);
    });

    it("sets a hold only on the revision it read: of racing claims exactly one wins", async () => {
      const t = tenant();
      const interaction = makeInteraction({ tenantId: t });
      await h.stores.interactions.createIfAbsent(interaction);
      const read = (await h.stores.interactions.getStored(t, interaction.id))!;
      expect(read.doc.hold).toBeNull();
      const claims = await Promise.allSettled(
        ["s1", "s2", "s3", "s4"].map((sessionId) =>
          h.stores.interactions.setHold(
            t,
            interaction.id,
            { sessionId, at: "2026-11-20T10:00:00.000Z" },
            read.etag,
          ),
        ),
      );
      const won = claims.filter((c) => c.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const lost of claims.filter((c) => c.status === "rejected")) {
        expect(lost.reason).toMatchObject({ code: "PRECONDITION_FAILED" });
      }
      const after = (await h.stores.interactions.getStored(t, interaction.id))!;
      expect(after.doc.hold?.sessionId).toBe(
        won[0]!.status === "fulfilled" ? won[0]!.value.doc.hold?.sessionId : undefined,
      );
      const cleared = await h.stores.interactions.setHold(t, interaction.id, null, after.etag);
      expect(cleared.doc.hold).toBeNull();
    });

    it("lists free interactions oldest first: none held, none evaluated, at most the limit", async () => {
      const t = tenant();
      const make = (key: string, daysIn: number, extra: Partial<Interaction> = {}) =>
        makeInteraction({
          tenantId: t,
          id: `${key}-${freshId("i")}`,
          startedAt: day(daysIn),
          ...extra,
        });
      const rows = [
        make("a", 1),
        make("b", 2, { hold: { sessionId: "s", at: day(0) } }),
        make("c", 3, { tags: ["Evaluated"] }),
        make("d", 4, { channel: "chat" }),
        make("e", 5),
        make("f", 6),
      ];
      for (const row of rows) await h.stores.interactions.createIfAbsent(row);
      const free = await h.stores.interactions.listFree(t, {}, 10);
      expect(free.map((x) => x.doc.id)).toEqual(
        [rows[0], rows[3], rows[4], rows[5]].map((r) => r!.id),
      );
      expect(free.every((x) => x.etag.length > 0)).toBe(true);
      const voice = await h.stores.interactions.listFree(t, { channel: "voice" }, 2);
      expect(voice.map((x) => x.doc.id)).toEqual([rows[0]!.id, rows[4]!.id]);
      expect(await h.stores.interactions.listFree(tenant(), {}, 10)).toEqual([]);
    });

    it("refuses to tag a missing interaction with NOT_FOUND", async () => {
      await expect(
        h.stores.interactions.addTag(tenant(), freshId("int"), "Evaluated"),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    describe("search", () => {
      const t = freshId("tenant-int");
      const i = {
        a: makeInteraction({
          tenantId: t,
          agentId: "ag1",
          startedAt: day(1),
          channel: "voice",
          durationSeconds: 30,
        }),
        b: makeInteraction({
          tenantId: t,
          agentId: "ag1",
          startedAt: day(2),
          channel: "chat",
          durationSeconds: 300,
        }),
        c: makeInteraction({
          tenantId: t,
          agentId: "ag2",
          startedAt: day(3),
          channel: "voice",
          durationSeconds: 600,
        }),
        d: makeInteraction({
          tenantId: t,
          agentId: "ag2",
          startedAt: day(3),
          channel: "email",
          durationSeconds: 60,
        }),
        e: makeInteraction({
          tenantId: t,
          agentId: "ag1",
          startedAt: day(4),
          channel: "voice",
          durationSeconds: 90,
          tags: ["Evaluated"],
        }),
      };
      const newest = (keys: (keyof typeof i)[]) =>
        keys
          .map((k) => i[k])
          .sort((x, y) =>
            x.startedAt === y.startedAt
              ? x.id < y.id
                ? 1
                : -1
              : x.startedAt < y.startedAt
                ? 1
                : -1,
          )
          .map((x) => x.id);

      beforeAll(async () => {
        for (const interaction of Object.values(i)) {
          await h.stores.interactions.createIfAbsent(interaction);
        }
        await h.stores.interactions.createIfAbsent(
          makeInteraction({ tenantId: freshId("t"), agentId: "ag1" }),
        );
      });

      const ids = async (filter: Parameters<InteractionStore["list"]>[1]) => {
        const page = await h.stores.interactions.list(t, filter, { limit: 50 });
        return page.items.map((x) => x.id);
      };

      it("orders newest first, ties by id", async () => {
        expect(await ids({})).toEqual(newest(["a", "b", "c", "d", "e"]));
      });

      it.each<[string, Parameters<InteractionStore["list"]>[1], (keyof typeof i)[]]>([
        ["agentId", { agentId: "ag1" }, ["a", "b", "e"]],
        ["from (inclusive)", { from: day(3) }, ["c", "d", "e"]],
        ["to (inclusive)", { to: day(2) }, ["a", "b"]],
        ["evaluated=true", { evaluated: true }, ["e"]],
        ["evaluated=false", { evaluated: false }, ["a", "b", "c", "d"]],
        ["channel", { channel: "voice" }, ["a", "c", "e"]],
        ["minDurationSeconds", { minDurationSeconds: 90 }, ["b", "c", "e"]],
        ["several at once", { agentId: "ag1", channel: "voice", evaluated: false }, ["a"]],
      ])("filters by %s", async (_name, filter, keys) => {
        expect(await ids(filter)).toEqual(newest(keys));
      });

      it("pages with tokens and refuses one from another query", async () => {
        const first = await h.stores.interactions.list(t, {}, { limit: 3 });
        const second = await h.stores.interactions.list(
          t,
          {},
          {
            limit: 3,
            continuationToken: first.continuationToken!,
          },
        );
        expect([...first.items, ...second.items].map((x) => x.id)).toEqual(
          newest(["a", "b", "c", "d", "e"]),
        );
        expect(second.continuationToken).toBeNull();
        await expect(
          h.stores.interactions.list(
            t,
            { agentId: "ag1" },
            {
              limit: 3,
              continuationToken: first.continuationToken!,
            },
          ),
        ).rejects.toMatchObject(continuationError);
      });
    });
  });

  describe("action items", () => {
    it("creates once, replaces at the etag and refuses a stale one", async () => {
      const t = tenant();
      const item = makeActionItem({ tenantId: t });
      const first = await h.stores.actionItems.createIfAbsent(item);
      expect(first.created).toBe(true);
      const again = await h.stores.actionItems.createIfAbsent({ ...item, summary: "other" });
      expect(again).toEqual({ stored: first.stored, created: false });
      const closed = await h.stores.actionItems.replace(
        { ...item, status: "Closed", revision: 2 },
        first.stored.etag,
      );
      expect(closed.doc.status).toBe("Closed");
      await expect(
        h.stores.actionItems.replace({ ...item, status: "Responded" }, first.stored.etag),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
      expect(await h.stores.actionItems.get(t, item.id)).toEqual(closed);
      expect(await h.stores.actionItems.get(tenant(), item.id)).toBeUndefined();
    });

    it("lists newest first and filters by agent, evaluator, session and status", async () => {
      const t = tenant();
      const items = [
        makeActionItem({
          tenantId: t,
          agentId: "ag1",
          evaluatorId: "e1",
          sessionId: "s1",
          createdAt: day(1),
        }),
        makeActionItem({
          tenantId: t,
          agentId: "ag1",
          evaluatorId: "e2",
          sessionId: "s2",
          createdAt: day(3),
          status: "Closed",
        }),
        makeActionItem({
          tenantId: t,
          agentId: "ag2",
          evaluatorId: "e1",
          sessionId: "s1",
          createdAt: day(2),
        }),
        makeActionItem({
          tenantId: t,
          agentId: "ag2",
          evaluatorId: "e1",
          sessionId: "s3",
          createdAt: day(2),
        }),
      ];
      for (const item of items) await h.stores.actionItems.createIfAbsent(item);
      await h.stores.actionItems.createIfAbsent(
        makeActionItem({ tenantId: tenant(), agentId: "ag1" }),
      );
      const list = async (filter: Parameters<ActionItemStore["list"]>[1]) =>
        (await h.stores.actionItems.list(t, filter, { limit: 50 })).items.map((x) => x.id);
      const newest = (picked: typeof items) =>
        [...picked]
          .sort((x, y) =>
            x.createdAt === y.createdAt
              ? x.id < y.id
                ? 1
                : -1
              : x.createdAt < y.createdAt
                ? 1
                : -1,
          )
          .map((x) => x.id);
      const [i0, i1, i2, i3] = items as [
        (typeof items)[0],
        (typeof items)[0],
        (typeof items)[0],
        (typeof items)[0],
      ];
      expect(await list({})).toEqual(newest(items));
      expect(await list({ agentId: "ag1" })).toEqual(newest([i0, i1]));
      expect(await list({ evaluatorId: "e1" })).toEqual(newest([i0, i2, i3]));
      expect(await list({ sessionId: "s1" })).toEqual(newest([i0, i2]));
      expect(await list({ status: "Closed" })).toEqual([i1.id]);
      expect(await list({ agentId: "ag2", status: "Open" })).toEqual(newest([i2, i3]));

      const first = await h.stores.actionItems.list(t, {}, { limit: 3 });
      const rest = await h.stores.actionItems.list(
        t,
        {},
        { limit: 3, continuationToken: first.continuationToken! },
      );
      expect([...first.items, ...rest.items].map((x) => x.id)).toEqual(newest(items));
      await expect(
        h.stores.actionItems.list(
          t,
          { agentId: "ag1" },
          { limit: 3, continuationToken: first.continuationToken! },
        ),
      ).rejects.toMatchObject(continuationError);
    });
  });

  describe("calibrations", () => {
    const calibration = (tenantId: string, overrides: Partial<Calibration> = {}): Calibration => ({
      id: freshId("cal"),
      tenantId,
      interactionId: "i1",
      formIds: ["form-1"],
      forms: makeSession({ tenantId }).forms,
      expertEvaluatorId: null,
      blind: true,
      members: [{ evaluatorId: "alice", sessionId: "s1", joinedAt: day(1) }],
      createdAt: day(1),
      createdBy: "admin",
      ...overrides,
    });

    it("creates once, replaces at the etag and refuses a stale one", async () => {
      const t = tenant();
      const c = calibration(t);
      const first = await h.stores.calibrations.createIfAbsent(c);
      expect(first.created).toBe(true);
      expect(first.stored.doc).toEqual(c);
      const again = await h.stores.calibrations.createIfAbsent({ ...c, interactionId: "i2" });
      expect(again).toEqual({ stored: first.stored, created: false });
      const expert = await h.stores.calibrations.replace(
        { ...c, expertEvaluatorId: "alice" },
        first.stored.etag,
      );
      await expect(
        h.stores.calibrations.replace({ ...c, blind: false }, first.stored.etag),
      ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
      expect(await h.stores.calibrations.get(t, c.id)).toEqual(expert);
      expect(await h.stores.calibrations.get(tenant(), c.id)).toBeUndefined();
    });

    it("lists one tenant's calibrations newest first, in pages", async () => {
      const t = tenant();
      const made = [day(1), day(3), day(2)].map((createdAt) => calibration(t, { createdAt }));
      for (const c of made) await h.stores.calibrations.createIfAbsent(c);
      await h.stores.calibrations.createIfAbsent(calibration(tenant(), { createdAt: day(9) }));
      const first = await h.stores.calibrations.list(t, { limit: 2 });
      const second = await h.stores.calibrations.list(t, {
        limit: 2,
        continuationToken: first.continuationToken ?? undefined,
      });
      expect([...first.items, ...second.items].map((c) => c.createdAt)).toEqual([
        day(3),
        day(2),
        day(1),
      ]);
      expect(second.continuationToken).toBeNull();
    });

    it("reads a calibration's sessions, their states, and the Calibration sessions completed in a window", async () => {
      const t = tenant();
      const answers = { "form-1": { q1: { answerIds: ["yes"] } } };
      const of = (calibrationId: string | undefined, extra: Partial<SessionDocument> = {}) =>
        makeSession({
          tenantId: t,
          ...(calibrationId ? { type: "Calibration" as const, calibrationId } : {}),
          answers,
          ...extra,
        });
      const done = { state: "Completed" as const, completedAt: day(5) };
      const sessions = [
        of("c1", done),
        of("c1", { ...done, archived: true, evaluatorId: "bob" }),
        of("c1", { state: "InProgress" }),
        of("c2", { ...done, completedAt: day(9) }),
        of(undefined, done),
      ];
      for (const s of sessions) await h.stores.sessions.create(s);
      await h.stores.sessions.create(
        makeSession({ tenantId: tenant(), type: "Calibration", calibrationId: "c1" }),
      );

      const c1 = await h.stores.calibrations.sessionsOf(t, "c1");
      expect(c1.map((s) => s.id).sort()).toEqual(
        sessions
          .slice(0, 3)
          .map((s) => s.id)
          .sort(),
      );
      expect(c1.find((s) => s.id === sessions[0]?.id)).toEqual({
        id: sessions[0]?.id,
        calibrationId: "c1",
        evaluatorId: "alice",
        state: "Completed",
        archived: false,
        dueDate: sessions[0]?.dueDate,
        completedAt: day(5),
        answers,
        score: 100,
      });
      const states = await h.stores.calibrations.statesOf(t, ["c1", "c2"]);
      expect(states.map((s) => `${s.calibrationId} ${s.state} ${s.archived}`).sort()).toEqual([
        "c1 Completed false",
        "c1 Completed true",
        "c1 InProgress false",
        "c2 Completed false",
      ]);
      expect(await h.stores.calibrations.statesOf(t, [])).toEqual([]);
      const inWindow = await h.stores.calibrations.completedIn(t, { from: day(5), to: day(9) });
      expect(inWindow.map((s) => s.id).sort()).toEqual(
        sessions
          .slice(0, 2)
          .map((s) => s.id)
          .sort(),
      );
    });
  });

  // Skipped for the in-memory adapter on purpose: it makes no Cosmos requests to count.
  describe.runIf(adapter.name === "cosmos")("Cosmos requests per operation", () => {
    const counted = async (run: () => Promise<unknown>) => {
      h.requests!.length = 0;
      await run();
      return [...h.requests!];
    };

    it("reads a session with 1 request and a grid page with 1 single-tenant query", async () => {
      const t = tenant();
      const created = await h.stores.sessions.create(makeSession({ tenantId: t }));
      for (let i = 0; i < 3; i += 1) await h.stores.sessions.create(makeSession({ tenantId: t }));
      expect(await counted(() => h.stores.sessions.get(t, created.doc.id))).toEqual([
        { container: "sessions", operation: "read", crossPartition: false },
      ]);
      const first = await h.stores.sessions.list(t, grid(), { limit: 2 });
      const page = await counted(() =>
        h.stores.sessions.list(t, grid(), {
          limit: 2,
          continuationToken: first.continuationToken!,
        }),
      );
      expect(page).toEqual([{ container: "sessions", operation: "query", crossPartition: false }]);
    });

    it("saves with read + conditional write, and clears the outbox with 1 more request", async () => {
      const t = tenant();
      const created = await h.stores.sessions.create(makeSession({ tenantId: t }));
      const event = makeEvent(created.doc.id);
      let saved = created;
      const save = await counted(async () => {
        const read = await h.stores.sessions.get(t, created.doc.id);
        saved = await h.stores.sessions.replace(
          { ...read!.doc, state: "Completed", pendingEvents: [event], hasPendingEvents: true },
          read!.etag,
        );
      });
      expect(save.map((e) => e.operation)).toEqual(["read", "replace"]);
      const clear = await counted(() =>
        h.stores.sessions.clearOutbox(t, created.doc.id, { eventIds: [event.id] }, saved.etag),
      );
      expect(clear.map((e) => e.operation)).toEqual(["patch"]);
    });

    it("sweeps the outbox with the one cross-partition query", async () => {
      const sweep = await counted(() => h.stores.sessions.withPendingEvents(10));
      expect(sweep.length).toBeGreaterThanOrEqual(1);
      expect(sweep.every((e) => e.operation === "query" && e.crossPartition)).toBe(true);
    });
  });
});
