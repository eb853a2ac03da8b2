// The profiler end to end, on few requests: two profiled servers, real HTTP load, real profiles.
// No timings are asserted; only where code ran, which does not depend on the machine's speed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { profileSaves, renderSaveProfile } from "./profile-save.js";

describe("profileSaves", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("finds the save's own code under the save's load and none of it under the no-op's", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qm-profile-test-"));
    dirs.push(dir);
    const profile = await profileSaves("typical", 1000, dir);

    const domain = profile.parts.find((r) => r.part === "shared/domain/");
    expect(domain?.save).toBeGreaterThan(0);
    expect(domain?.saveShapedNoop).toBe(0);
    expect(profile.busy.save).toBeGreaterThan(0);
    expect(profile.busy.saveShapedNoop).toBeGreaterThan(0);
    expect(profile.profileFiles).toHaveLength(2);
    expect(renderSaveProfile(profile)).toContain("| shared/domain/ | 0.0 |");
  }, 120_000);
});
