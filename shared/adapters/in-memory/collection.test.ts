import { describe, expect, it } from "vitest";
import { MemoryCollection } from "./collection.js";

interface Doc {
  tenantId: string;
  id: string;
  tags: string[];
}

const doc = (): Doc => ({ tenantId: "t1", id: "d1", tags: ["a"] });

describe("MemoryCollection", () => {
  it("freezes what it stores by default, so a change in place throws", () => {
    const stored = new MemoryCollection<Doc>("docs").create(doc());
    expect(Object.isFrozen(stored.doc)).toBe(true);
    expect(Object.isFrozen(stored.doc.tags)).toBe(true);
    expect(() => stored.doc.tags.push("b")).toThrow(TypeError);
  });

  it("keeps documents as given when told not to freeze them, with the same etag checks", () => {
    const docs = new MemoryCollection<Doc>("docs", { freezeDocuments: false });
    const given = doc();
    const created = docs.create(given);
    expect(created.doc).toBe(given);
    expect(Object.isFrozen(created.doc)).toBe(false);
    const replaced = docs.replace({ ...given, tags: ["b"] }, created.etag);
    expect(replaced.etag).not.toBe(created.etag);
    expect(() => docs.replace(given, created.etag)).toThrow(
      expect.objectContaining({ code: "PRECONDITION_FAILED" }),
    );
  });
});
