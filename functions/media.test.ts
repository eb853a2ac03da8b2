// Interaction media over in-memory adapters: ingestion hands out the upload link, and
// GET /api/sessions/{id}/media gives a playback link to whoever may read the session.
import { describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/support/harness.js";
import { DependencyUnavailableError } from "../shared/dependency-errors.js";
import {
  admin,
  agent,
  alice,
  bob,
  completeWithBestAnswers,
  createForm,
  createSession,
  ingest,
  integration,
  otherAgent,
  otherTenantAdmin,
  type SessionSetup,
} from "../test/support/scenario.js";

/** The paths a 400 names. */
const errorPaths = (problem: { errors?: { path: string }[] }) => problem.errors?.map((e) => e.path);

async function sessionWithMedia(app: TestApp, contentType = "audio/mpeg") {
  const interaction = await ingest(app, { media: { contentType } });
  return sessionWithMediaOn(app, interaction.id);
}

async function sessionWithMediaOn(app: TestApp, interactionId: string) {
  const form = await createForm(app);
  const res = await app.call("sessionsCreate", {
    as: admin,
    body: {
      name: "With media",
      type: "Distributed",
      formIds: [form.id],
      evaluatorId: alice.userId,
      dueDate: "2026-12-01T00:00:00Z",
      interaction: { mode: "manual", interactionId },
    },
  });
  expect(res.status).toBe(201);
  const setup: SessionSetup = {
    formId: form.id,
    interactionId,
    sessionId: res.json.id as string,
    etag: res.headers.etag!,
  };
  return setup;
}

/** An ingestion body for a voice call with media of `contentType`. */
const callWithMedia = (externalId: string, contentType: string) => ({
  externalId,
  agentId: agent.userId,
  startedAt: "2026-11-20T10:00:00Z",
  durationSeconds: 120,
  channel: "voice",
  media: { contentType },
});

const media = (app: TestApp, sessionId: string, as = alice) =>
  app.call("sessionsMedia", { as, params: { id: sessionId } });

describe("POST /api/interactions with media", () => {
  it("F4: re-ingesting an existing externalId gives no upload link", async () => {
    const app = await createTestApp();
    const body = callWithMedia("call-with-media", "video/mp4");
    const first = await app.call("interactionsCreate", { as: integration, body });
    expect(first.status).toBe(201);
    expect(first.json.hasMedia).toBe(true);
    expect(first.json.mediaUpload).toEqual({
      url: `memory://blobs/media/t1/${first.json.id}?sig=test`,
      expiresAt: "2026-11-26T10:10:00.000Z",
    });
    expect(app.blobs.media.get(`t1/${first.json.id}`)).toBe("video/mp4");

    // Later, and after the recording was evaluated, the same externalId (with media, from
    // either role that may ingest) is answered with the stored interaction and no link.
    const s = await sessionWithMediaOn(app, first.json.id as string);
    expect((await completeWithBestAnswers(app, s)).status).toBe(200);
    app.clock.advance(60 * 60_000);
    for (const as of [integration, admin]) {
      const again = await app.call("interactionsCreate", {
        as,
        body: { ...body, media: { contentType: "audio/wav" } },
      });
      expect(again.status).toBe(200);
      expect(again.json.id).toBe(first.json.id);
      expect(again.json).not.toHaveProperty("mediaUpload");
    }
    expect(app.blobs.media.get(`t1/${first.json.id}`)).toBe("video/mp4");
  });

  it("stores nothing when signing the upload link fails; the retry creates it with its link", async () => {
    const app = await createTestApp();
    const body = callWithMedia("call-sign-fails", "audio/wav");
    const sign = app.blobs.mediaUploadUrl.bind(app.blobs);
    app.blobs.mediaUploadUrl = () =>
      Promise.reject(new DependencyUnavailableError("Blob Storage", 7));
    const failed = await app.call("interactionsCreate", { as: integration, body });
    expect(failed.status).toBe(503);
    expect(failed.headers["retry-after"]).toBe("7");
    expect((await app.call("interactionsList", { as: admin })).json.items).toEqual([]);

    app.blobs.mediaUploadUrl = sign;
    const retried = await app.call("interactionsCreate", { as: integration, body });
    expect(retried.status).toBe(201);
    expect(retried.json.mediaUpload).toBeDefined();
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
