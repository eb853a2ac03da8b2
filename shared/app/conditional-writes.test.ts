import { describe, expect, it } from "vitest";
import { AppError, isCode, lostRace } from "../domain/errors.js";
import type { Stored } from "../ports.js";
import { writeJudgedAgain } from "./conditional-writes.js";

interface Doc {
  tenantId: string;
  id: string;
  revision: number;
  title: string;
  counter: number;
}

/** One document; `meddle` runs before each replace, as another writer between read and write. */
function storeOf(doc: Doc, meddle: (doc: Doc) => Doc | undefined = () => undefined) {
  let current: Stored<Doc> = { doc, etag: "e0" };
  let etags = 0;
  const calls = { replaces: 0 };
  const put = (next: Doc) => {
    current = { doc: next, etag: `e${++etags}` };
    return current;
  };
  return {
    calls,
    current: () => current,
    get: (tenantId: string, id: string) =>
      Promise.resolve(tenantId === doc.tenantId && id === doc.id ? current : undefined),
    replace(next: Doc, etag: string) {
      calls.replaces++;
      const other = meddle(current.doc);
      if (other) put(other);
      if (etag !== current.etag) {
        return Promise.reject(new AppError("PRECONDITION_FAILED", "changed by someone else"));
      }
      return Promise.resolve(put(next));
    },
  };
}

const doc: Doc = { tenantId: "t1", id: "d1", revision: 4, title: "old", counter: 0 };

/** A user's change: checks the revision the caller saw (as the domain's checkRevision does). */
const retitle = (seen: number) => (current: Doc) => {
  if (current.revision !== seen) throw new AppError("PRECONDITION_FAILED", "seen is stale");
  return { ...current, title: "new", revision: current.revision + 1 };
};

describe("rule audit 6: a write that lost only to bookkeeping is judged again", () => {
  it("writes the change on the document as bookkeeping left it, keeping its bookkeeping", async () => {
    let moved = false;
    const store = storeOf(doc, (current) => {
      if (moved) return undefined;
      moved = true;
      return { ...current, counter: current.counter + 1 };
    });
    const saved = await writeJudgedAgain(store, { doc, etag: "e0" }, retitle(4));
    expect(saved.doc).toEqual({ ...doc, title: "new", revision: 5, counter: 1 });
    expect(store.calls.replaces).toBe(2);
  });

  it("answers the lost write's 412 when a user's write moved the revision, judging nothing again", async () => {
    let judged = 0;
    let written = false;
    const store = storeOf(doc, (current) => {
      if (written) return undefined;
      written = true;
      return { ...current, title: "theirs", revision: current.revision + 1 };
    });
    // An archive judges no If-Match: only the revision check keeps it off the user's write.
    const archive = (current: Doc) => {
      judged++;
      return { ...current, title: "archived", revision: current.revision + 1 };
    };
    await expect(writeJudgedAgain(store, { doc, etag: "e0" }, archive)).rejects.toSatisfy(lostRace);
    expect(judged).toBe(1);
    expect(store.current().doc.title).toBe("theirs");
  });

  it("gives up with the 412 after three retries when bookkeeping keeps winning", async () => {
    const store = storeOf(doc, (current) => ({ ...current, counter: current.counter + 1 }));
    await expect(writeJudgedAgain(store, { doc, etag: "e0" }, retitle(4))).rejects.toSatisfy(
      lostRace,
    );
    expect(store.calls.replaces).toBe(4);
  });

  it("rethrows any other refusal at once", async () => {
    const store = storeOf(doc);
    const refuse = () => {
      throw new AppError("SESSION_ARCHIVED", "archived");
    };
    await expect(writeJudgedAgain(store, { doc, etag: "e0" }, refuse)).rejects.toSatisfy(
      (error: unknown) => isCode(error, "SESSION_ARCHIVED") && !lostRace(error),
    );
    expect(store.calls.replaces).toBe(0);
  });
});

describe("isCode", () => {
  it("matches refusals with one of the codes, nothing else", () => {
    const conflict = new AppError("CONFLICT", "x");
    expect(isCode(conflict, "NOT_FOUND", "CONFLICT")).toBe(true);
    expect(isCode(conflict, "PRECONDITION_FAILED")).toBe(false);
    expect(isCode(new Error("CONFLICT"), "CONFLICT")).toBe(false);
    expect(isCode({ code: "CONFLICT" }, "CONFLICT")).toBe(false);
  });
});
