// The outbox sweep against cosmosdb-server: the one cross-tenant query, over documents as the
// store really keeps them, including one that no longer parses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCosmosStores } from "../shared/adapters/cosmos/index.js";
import { sweepOutbox } from "../shared/app/outbox.js";
import type { Services } from "../shared/services.js";
import { freshId, makeEvent, makeSession } from "./support/fixtures.js";
import { RecordingPublisher } from "./support/harness.js";
import { startCosmosTestDatabase, type CosmosTestDatabase } from "./support/stores-cosmos.js";

let cosmos: CosmosTestDatabase;
beforeAll(async () => {
  cosmos = await startCosmosTestDatabase();
});
afterAll(() => cosmos.close());

describe("the outbox sweep", () => {
  it("F12: skips and logs a pending session that does not parse, and sweeps the rest", async () => {
    const stores = createCosmosStores(cosmos.database);
    const publisher = new RecordingPublisher();
    const services = { sessions: stores.sessions, publisher } as unknown as Services;
    const tenantId = freshId("t");
    const good = makeSession({ tenantId });
    const event = makeEvent(good.id, "completed");
    await stores.sessions.create({ ...good, pendingEvents: [event], hasPendingEvents: true });
    // Written around the store, as an older version or a hand edit could have left it.
    await cosmos.database.container("sessions").items.create({
      id: freshId("broken"),
      tenantId,
      hasPendingEvents: true,
      pendingEvents: "not a list",
    });
    const warnings: string[] = [];
    const result = await sweepOutbox(services, {
      warn: (...args: unknown[]) => warnings.push(args.map(String).join(" ")),
    });
    expect(result).toMatchObject({ published: 1, failed: 0, unreadable: 1 });
    expect(publisher.published.map((e) => e.id)).toEqual([event.id]);
    expect(warnings.join("\n")).toMatch(/does not parse, skipped/);
    expect((await stores.sessions.get(tenantId, good.id))?.doc.hasPendingEvents).toBe(false);
  });
});
