import { describe, expect, it } from "vitest";
import { cpuSplit, onCpus, parseCpuList } from "./cpus.js";

describe("the benchmark's CPU split", () => {
  it("reads taskset's CPU lists, ranges included", () => {
    expect(parseCpuList("0,1")).toEqual([0, 1]);
    expect(parseCpuList(" 0-3,6\n")).toEqual([0, 1, 2, 3, 6]);
    expect(() => parseCpuList("0-")).toThrow(/CPU list/);
  });

  it("gives the server the last CPU and the generator the rest, from two CPUs up", () => {
    expect(cpuSplit([0, 1])).toEqual({ server: [1], generator: [0] });
    expect(cpuSplit([2, 3, 5])).toEqual({ server: [5], generator: [2, 3] });
    expect(cpuSplit([0])).toBeUndefined();
    expect(cpuSplit(undefined)).toBeUndefined();
  });

  it("runs a command on the CPUs it is given", () => {
    expect(onCpus([1], "node", ["--version"])).toEqual([
      "taskset",
      ["-c", "1", "node", "--version"],
    ]);
  });
});
