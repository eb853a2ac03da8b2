// Interaction media over in-memory adapters: ingestion hands out the upload link, and
// GET /api/sessions/{id}/media gives a playback link to whoever may read the session.
import { describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import {
  admin,
  agent,
  alice,
  bob,
  createForm,
  createSession,
  ingest,
  integration,
  otherAgent,
  otherTenantAdmin,
} from "../test/support/scenario.js";

/** The paths a 400 names. */
const errorPaths = (problem: { errors?: { path: string }[] }) => problem.errors?.map((e) => e.path);

async function sessionWithMedia(app: TestApp, contentType = "audio/mpeg") {
  const form = await createForm(app);
  const interaction = await ingest(app, { media: { contentType } });
  const res = await app.call("sessionsCreate", {
    as: admin,
    body: {
      name: "With media",
      type: "Distributed",
      formIds: [form.id],
      evaluatorId: alice.userId,
      dueDate: "2026-12-01T00:00:00Z",
      interaction: { mode: "manual", interactionId: interaction.id },
    },
  });
  expect(res.status).toBe(201);
  return { sessionId: res.json.id as string, interactionId: interaction.id };
}

const media = (app: TestApp, sessionId: string, as = alice) =>
  app.call("sessionsMedia", { as, params: { id: sessionId } });

describe("POST /api/interactions with media", () => {
  it("returns a one-blob upload link on 201 and a fresh one on the idempotent 200", async () => {
    const app = await createTestApp();
    const body = {
      externalId: "call-with-media",
      agentId: agent.userId,
      startedAt: "2026-11-20T10:00:00Z",
      durationSeconds: 120,
      channel: "voice",
      media: { contentType: "video/mp4" },
    };
    const first = await app.call("interactionsCreate", { as: integration, body });
    expect(first.status).toBe(201);
    expect(first.json.hasMedia).toBe(true);
    expect(first.json.mediaUpload).toEqual({
      url: `memory://blobs/media/t1/${first.json.id}?sig=test`,
      expiresAt: "2026-11-26T10:10:00.000Z",
    });
    expect(app.blobs.media.get(`t1/${first.json.id}`)).toBe("video/mp4");

    app.clock.advance(60 * 60_000);
    const again = await app.call("interactionsCreate", { as: integration, body });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    expect(again.json.mediaUpload.expiresAt).toBe("2026-11-26T11:10:00.000Z");
  });

  it("has no mediaUpload without media", async () => {
    const app = await createTestApp();
    const res = await app.call("interactionsCreate", {
      as: admin,
      body: {
        externalId: "chat-1",
        agentId: agent.userId,
        startedAt: "2026-11-20T10:00:00Z",
        durationSeconds: 60,
        channel: "chat",
      },
    });
    expect(res.status).toBe(201);
    expect(res.json.hasMedia).toBe(false);
    expect(res.json).not.toHaveProperty("mediaUpload");
    expect(app.blobs.media.size).toBe(0);
  });

  it.each(["text/plain", "application/octet-stream", "audio", "audio/mpeg\r\nx: y"])(
    "refuses media of type %j with 400 at media.contentType, storing nothing",
    async (contentType) => {
      const app = await createTestApp();
      const res = await app.call("interactionsCreate", {
        as: admin,
        body: {
          externalId: "bad-media",
          agentId: agent.userId,
          startedAt: "2026-11-20T10:00:00Z",
          durationSeconds: 60,
          channel: "voice",
          media: { contentType },
        },
      });
      expect(res.status).toBe(400);
      expect(errorPaths(res.json)).toEqual(["media.contentType"]);
      const list = await app.call("interactionsList", { as: admin });
      expect(list.json.items).toEqual([]);
      expect(app.blobs.media.size).toBe(0);
    },
  );
});

describe("GET /api/sessions/{id}/media", () => {
  it("gives the assignee and an Administrator a playback link with the media's type", async () => {
    const app = await createTestApp();
    const s = await sessionWithMedia(app, "audio/wav");
    for (const who of [alice, admin]) {
      const res = await media(app, s.sessionId, who);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        url: `memory://blobs/media/t1/${s.interactionId}?sig=test`,
        contentType: "audio/wav",
        expiresAt: "2026-11-26T10:10:00.000Z",
      });
    }
  });

  it("gives the agent a link once an action item links the session, and hides it before", async () => {
    const app = await createTestApp();
    const s = await sessionWithMedia(app);
    expect((await media(app, s.sessionId, agent)).status).toBe(404);
    const notified = await app.call("sessionsNotifyAgent", {
      as: alice,
      params: { id: s.sessionId },
      body: { dueDate: "2026-12-05T00:00:00Z", summary: "Listen to 02:10", showScore: false },
    });
    expect(notified.status).toBe(201);
    expect((await media(app, s.sessionId, agent)).status).toBe(200);
    expect((await media(app, s.sessionId, otherAgent)).status).toBe(404);
  });

  it("answers 404 NOT_FOUND to callers who may not read the session", async () => {
    const app = await createTestApp();
    const s = await sessionWithMedia(app);
    for (const who of [bob, otherTenantAdmin]) {
      const res = await media(app, s.sessionId, who);
      expect(res.status).toBe(404);
      expect(res.json.code).toBe("NOT_FOUND");
    }
    expect((await media(app, "no-such-session")).json.code).toBe("NOT_FOUND");
  });

  it("answers 404 MEDIA_NOT_FOUND for a session whose interaction has no media", async () => {
    const app = await createTestApp();
    const s = await createSession(app);
    const res = await media(app, s.sessionId);
    expect(res.status).toBe(404);
    expect(res.json.code).toBe("MEDIA_NOT_FOUND");
  });
});
