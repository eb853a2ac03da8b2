import { describe, expect, it } from "vitest";
import { MemoryCollection } from "./collection.js";

interface Doc {
  tenantId: string;
  id: string;
  tags: string[];
}

const doc = (): Doc => ({ tenantId: "t1", id: "d1", tags: ["a"] });

describe("MemoryCollection", () => {
  it("freezes what it stores, so a change in place throws", () => {
    const stored = new MemoryCollection<Doc>("docs").create(doc());
    expect(Object.isFrozen(stored.doc)).toBe(true);
    expect(Object.isFrozen(stored.doc.tags)).toBe(true);
    expect(() => stored.doc.tags.push("b")).toThrow(TypeError);
  });

  it("Finding 7: createOrGet creates once, then hands back what it stored", () => {
    const docs = new MemoryCollection<Doc>("docs");
    const first = docs.createOrGet(doc());
    expect(first.created).toBe(true);
    expect(docs.createOrGet({ ...doc(), tags: ["other"] })).toEqual({
      stored: first.stored,
      created: false,
    });
    expect(docs.get("t1", "d1")).toEqual(first.stored);
  });
});
