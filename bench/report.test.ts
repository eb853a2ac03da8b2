import { describe, expect, it } from "vitest";
import { formatFigure, summarize } from "./figures.js";
import { toJson, type BenchRun } from "./report.js";
import { checkTargets } from "./targets.js";

const ratio = summarize([0.6, 0.4, 0.5]);

describe("bench results", () => {
  it("summarizes runs as the median with the spread", () => {
    expect(ratio).toEqual({ median: 0.5, min: 0.4, max: 0.6, runs: 3 });
    expect(formatFigure(ratio)).toBe("0.50 (0.40–0.60, n=3)");
    expect(formatFigure(summarize([1200.4, 1100]))).toBe("1150 (1100–1200, n=2)");
  });

  it("checks a Summary by its median, and a target whose figure is missing as missed", () => {
    const checks = checkTargets({ saveVsHealthThroughput: ratio, gridQueryCrossPartition: true });
    const byName = new Map(checks.map((c) => [c.name, c]));
    expect(byName.get("saveVsHealthThroughput")).toMatchObject({ value: "0.50", met: true });
    expect(byName.get("gridQueryCrossPartition")).toMatchObject({ value: "true", met: false });
    expect(byName.get("coldStartRatio")).toMatchObject({ value: "not measured", met: false });
  });

  it("writes each figure under its name, dotted names nested, Summaries whole beside", () => {
    const run: BenchRun = {
      mode: "quick",
      measuredAt: "2026-01-01T00:00:00.000Z",
      machine: { nproc: 2, cpu: "cpu", memoryGb: 1, node: "v20.0.0", platform: "linux/x64" },
      figures: { "exportMs.pdf": ratio, "exportMs.xlsx": 2, sessionDocBytes: 10 },
      targets: [],
      totalSeconds: 1,
    };
    expect(toJson(run)).toMatchObject({
      exportMs: { pdf: 0.5, xlsx: 2 },
      sessionDocBytes: 10,
      summaries: { "exportMs.pdf": ratio },
    });
  });
});
