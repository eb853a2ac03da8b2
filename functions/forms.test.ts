// Form handlers over in-memory adapters: validation with paths, versioned updates guarded by
// If-Match, paging by name, and the rule that sessions keep the form version they were made with.
import { beforeEach, describe, expect, it } from "vitest";
import { customerCare } from "../test/support/domain-fixtures.js";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  createForm,
  createSession,
  otherTenantAdmin,
} from "../test/support/scenario.js";

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp();
});

const paths = (json: { errors?: { path: string }[] }) => (json.errors ?? []).map((e) => e.path);

/** customerCare with the first question's text changed: a valid new version. */
function reworded(text: string) {
  const form = structuredClone(customerCare);
  form.groups[0]!.questions[0]!.text = text;
  return form;
}

describe("POST /forms", () => {
  it("creates version 1 with ETag, id and who created it", async () => {
    const res = await app.call("formsCreate", { as: admin, body: customerCare });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/api/forms/${res.json.id}`);
    expect(res.json).toMatchObject({
      name: "Customer care",
      version: 1,
      createdBy: admin.userId,
      createdAt: "2026-11-26T10:00:00.000Z",
    });
    expect(res.json).not.toHaveProperty("tenantId");
    const read = await app.call("formsGet", { as: alice, params: { id: res.json.id } });
    expect(read.status).toBe(200);
    expect(read.json.groups).toEqual(res.json.groups);
  });

  it("names every rule a definition breaks by its path, and stores nothing", async () => {
    const bad = structuredClone(customerCare);
    bad.groups[0]!.weight = 30; // groups no longer sum to 100
    bad.groups[0]!.questions[1]!.id = "greet"; // duplicate question id
    bad.groups[1]!.questions[0]!.answers[0]!.score = 90; // cannot reach 100
    bad.groups[1]!.questions[1]!.weight = 10; // a text question with weight
    const res = await app.call("formsCreate", { as: admin, body: bad });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("VALIDATION_FAILED");
    expect(paths(res.json).sort()).toEqual(
      [
        "groups",
        "groups.0.questions.1.id",
        "groups.1.questions.0.answers",
        "groups.1.questions.1.weight",
      ].sort(),
    );
    const list = await app.call("formsList", { as: admin });
    expect(list.json.items).toEqual([]);
  });

  it("refuses schema violations (400 with paths), malformed JSON (400) and a non-JSON body (415)", async () => {
    const wrongTypes = await app.call("formsCreate", {
      as: admin,
      body: { name: "", groups: [{ id: "bad id!", name: "G", weight: "40", questions: [] }] },
    });
    expect(wrongTypes.status).toBe(400);
    expect(paths(wrongTypes.json)).toEqual(
      expect.arrayContaining(["name", "groups.0.id", "groups.0.weight"]),
    );
    const malformed = await app.call("formsCreate", {
      as: admin,
      body: '{"name": "x",',
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.code).toBe("VALIDATION_FAILED");
    const text = await app.call("formsCreate", {
      as: admin,
      body: "name=x",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
  });

  it("lets only Administrators create forms, and Agents not even read them", async () => {
    expect((await app.call("formsCreate", { as: alice, body: customerCare })).status).toBe(403);
    const form = await createForm(app);
    expect((await app.call("formsGet", { as: agent, params: { id: form.id } })).status).toBe(403);
    expect((await app.call("formsList", { as: agent })).status).toBe(403);
  });

  it("hides another tenant's form (404) and answers 404 for a malformed id", async () => {
    const form = await createForm(app);
    const other = await app.call("formsGet", {
      as: otherTenantAdmin,
      params: { id: form.id },
    });
    expect(other.status).toBe(404);
    expect(other.json.code).toBe("NOT_FOUND");
    const bad = await app.call("formsGet", { as: admin, params: { id: "no such id!" } });
    expect(bad.status).toBe(404);
  });
});

describe("PUT /forms/{id}", () => {
  it("publishes version + 1 with If-Match and refuses a stale or missing one", async () => {
    const form = await createForm(app);
    app.clock.advance(60_000);
    const updated = await app.call("formsUpdate", {
      as: admin,
      params: { id: form.id },
      headers: { "if-match": '"1"' },
      body: reworded("Greeted warmly?"),
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.etag).toBe('"2"');
    expect(updated.json).toMatchObject({
      id: form.id,
      version: 2,
      createdAt: "2026-11-26T10:00:00.000Z",
      updatedAt: "2026-11-26T10:01:00.000Z",
    });
    expect(updated.json.groups[0].questions[0].text).toBe("Greeted warmly?");

    const stale = await app.call("formsUpdate", {
      as: admin,
      params: { id: form.id },
      headers: { "if-match": '"1"' },
      body: reworded("Lost update?"),
    });
    expect(stale.status).toBe(412);
    expect(stale.json.code).toBe("PRECONDITION_FAILED");
    const missing = await app.call("formsUpdate", {
      as: admin,
      params: { id: form.id },
      body: reworded("No If-Match"),
    });
    expect(missing.status).toBe(428);
    const star = await app.call("formsUpdate", {
      as: admin,
      params: { id: form.id },
      headers: { "if-match": "*" },
      body: reworded("Star"),
    });
    expect(star.status).toBe(428);
    const read = await app.call("formsGet", { as: admin, params: { id: form.id } });
    expect(read.json.version).toBe(2);
    expect(read.json.groups[0].questions[0].text).toBe("Greeted warmly?");
  });

  it("checks 404, then 403, then 400, then If-Match", async () => {
    const form = await createForm(app);
    const invalid = { ...customerCare, name: "" };
    const unknown = await app.call("formsUpdate", {
      as: admin,
      params: { id: "nope" },
      body: invalid,
    });
    expect(unknown.status).toBe(404);
    const byEvaluator = await app.call("formsUpdate", {
      as: alice,
      params: { id: form.id },
      body: invalid,
    });
    expect(byEvaluator.status).toBe(403);
    const badBody = await app.call("formsUpdate", {
      as: admin,
      params: { id: form.id },
      headers: { "if-match": '"7"' },
      body: invalid,
    });
    expect(badBody.status).toBe(400);
    expect(paths(badBody.json)).toEqual(["name"]);
  });

  it("leaves sessions on the version they were created with; new sessions get the new one", async () => {
    const before = await createSession(app);
    const updated = await app.call("formsUpdate", {
      as: admin,
      params: { id: before.formId },
      headers: { "if-match": '"1"' },
      body: reworded("Used the customer's name?"),
    });
    expect(updated.status).toBe(200);

    const old = await app.call("sessionsGet", { as: alice, params: { id: before.sessionId } });
    expect(old.json.forms[0]).toMatchObject({ formId: before.formId, version: 1 });
    expect(old.json.forms[0].groups[0].questions[0].text).toBe("Greeted the customer by name?");

    const after = await createSession(app, {}, before.formId);
    const fresh = await app.call("sessionsGet", { as: alice, params: { id: after.sessionId } });
    expect(fresh.json.forms[0]).toMatchObject({ formId: before.formId, version: 2 });
    expect(fresh.json.forms[0].groups[0].questions[0].text).toBe("Used the customer's name?");
  });
});

describe("GET /forms", () => {
  it("pages by name then id with continuation tokens, and refuses a bad limit", async () => {
    const names = ["Zulu", "Alpha", "Mike", "Alpha", "Bravo"];
    const created: { id: string; name: string }[] = [];
    for (const name of names) {
      const form = await createForm(app, { ...customerCare, name });
      created.push({ id: form.id, name });
    }
    const expected = created
      .sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1))
      .map((f) => f.id);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await app.call<{ items: { id: string }[]; continuationToken: string | null }>(
        "formsList",
        {
          as: alice,
          query: { limit: "2", ...(token ? { continuationToken: token } : {}) },
        },
      );
      expect(res.status).toBe(200);
      expect(res.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.items.map((f) => f.id));
      token = res.json.continuationToken ?? undefined;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);

    for (const limit of ["0", "201", "abc"]) {
      const res = await app.call("formsList", { as: admin, query: { limit } });
      expect(res.status, `limit=${limit}`).toBe(400);
      expect(paths(res.json)[0]).toContain("limit");
    }
    const otherTenant = await app.call("formsList", { as: otherTenantAdmin });
    expect(otherTenant.json.items).toEqual([]);
  });
});
